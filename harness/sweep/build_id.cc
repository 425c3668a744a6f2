#include "harness/sweep/build_id.h"

#include <elf.h>
#include <link.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "system/io/random.h"

namespace fl::harness {
namespace {

std::string hex(const unsigned char* bytes, std::size_t n) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out;
}

// Scans one PT_NOTE segment for the GNU build id note; "" if it holds none.
std::string build_id_in_note(const unsigned char* p, std::size_t size) {
  constexpr std::size_t kMaxNotes = 64;
  auto align4 = [](std::size_t n) { return (n + 3) & ~std::size_t{3}; };
  std::size_t at = 0;
  for (std::size_t i = 0; i < kMaxNotes && at + sizeof(ElfW(Nhdr)) <= size; ++i) {
    ElfW(Nhdr) note;
    std::memcpy(&note, p + at, sizeof note);
    const std::size_t name_at = at + sizeof note;
    const std::size_t desc_at = name_at + align4(note.n_namesz);
    if (desc_at + note.n_descsz > size) return "";
    if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 &&
        std::memcmp(p + name_at, "GNU", 4) == 0) {
      return hex(p + desc_at, note.n_descsz);
    }
    at = desc_at + align4(note.n_descsz);
  }
  return "";
}

// dl_iterate_phdr visits the main program first (its dlpi_name is ""); stop after it.
int visit_main_program(struct dl_phdr_info* info, std::size_t, void* data) {
  auto* out = static_cast<std::string*>(data);
  for (int i = 0; i < info->dlpi_phnum && out->empty(); ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const auto* p = reinterpret_cast<const unsigned char*>(info->dlpi_addr + ph.p_vaddr);
    *out = build_id_in_note(p, ph.p_memsz);
  }
  return 1;
}

}  // namespace

std::string build_id() {
  std::string gnu;
  dl_iterate_phdr(visit_main_program, &gnu);
  if (!gnu.empty()) return "gnu:" + gnu;
  std::ifstream in("/proc/self/exe", std::ios::binary);
  if (!in) return "";
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::uint64_t h = io::hash_bytes(bytes);
  return "fnv:" + hex(reinterpret_cast<const unsigned char*>(&h), sizeof h);
}

}  // namespace fl::harness
