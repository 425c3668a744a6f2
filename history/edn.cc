#include "history/edn.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "history/json_guard.h"

namespace fl::history {
namespace {

bool fail(ParseError* error, std::size_t line, std::string message) {
  error->line = line;
  error->message = std::move(message);
  return false;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ','; }
bool is_delim(char c) {
  return is_space(c) || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' ||
         c == '"' || c == ';';
}

std::string map_key(const nlohmann::json& k) {
  return k.is_string() ? k.get<std::string>() : k.dump();
}

// One open collection while parsing.
struct Frame {
  char close;  // ']', ')' or '}'; '\0' for a #_ waiting for the form it discards
  bool map = false;
  nlohmann::json value;
  nlohmann::json key;  // a map's pending key
  bool has_key = false;
  std::size_t line = 0;
};

class Parser {
 public:
  explicit Parser(const std::string& s) : s_(s) {}
  // Lines where the elements of a top-level collection start (for error messages).
  const std::vector<std::size_t>& element_lines() const { return element_lines_; }
  bool next_form(nlohmann::json* out, std::size_t* line, bool* eof, ParseError* error);

 private:
  void skip_space();
  bool atom(nlohmann::json* out, ParseError* error);
  bool string(nlohmann::json* out, ParseError* error);
  bool unicode(std::string* v, ParseError* error);
  bool token(nlohmann::json* out, ParseError* error);
  bool character(nlohmann::json* out, ParseError* error);
  bool add(std::vector<Frame>& stack, nlohmann::json v, nlohmann::json* out, bool* done,
           ParseError* error);

  const std::string& s_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::vector<std::size_t> element_lines_;
};

void Parser::skip_space() {
  while (pos_ < s_.size()) {
    const char c = s_[pos_];
    if (c == ';') {
      while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
    } else if (is_space(c)) {
      line_ += c == '\n';
      ++pos_;
    } else {
      return;
    }
  }
}

// After "\\u" (pos_ at the 'u'): four hex digits, appended as UTF-8 (a lone surrogate as
// U+FFFD).
bool Parser::unicode(std::string* v, ParseError* error) {
  if (pos_ + 4 >= s_.size()) return fail(error, line_, "four hex digits after \\u");
  unsigned cp = 0;
  for (int i = 1; i <= 4; ++i) {
    const char h = s_[pos_ + static_cast<std::size_t>(i)];
    if (!std::isxdigit(static_cast<unsigned char>(h))) {
      return fail(error, line_, "four hex digits after \\u");
    }
    cp = cp * 16 +
         static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h))
                                   ? h - '0'
                                   : std::tolower(static_cast<unsigned char>(h)) - 'a' + 10);
  }
  pos_ += 4;
  if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
  if (cp < 0x80) {
    *v += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *v += static_cast<char>(0xC0 | (cp >> 6));
    *v += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *v += static_cast<char>(0xE0 | (cp >> 12));
    *v += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *v += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return true;
}

bool Parser::string(nlohmann::json* out, ParseError* error) {
  const std::size_t start_line = line_;
  std::string v;
  for (++pos_; pos_ < s_.size(); ++pos_) {
    char c = s_[pos_];
    if (c == '"') {
      ++pos_;
      *out = std::move(v);
      return true;
    }
    line_ += c == '\n';
    if (c == '\\') {
      if (++pos_ >= s_.size()) break;
      c = s_[pos_];
      switch (c) {
        case 'n':
          v += '\n';
          break;
        case 't':
          v += '\t';
          break;
        case 'r':
          v += '\r';
          break;
        case 'b':
          v += '\b';
          break;
        case 'f':
          v += '\f';
          break;
        case '"':
        case '\\':
        case '/':
          v += c;
          break;
        case 'u':
          if (!unicode(&v, error)) return false;
          break;
        default:
          return fail(
              error, line_,
              "a string escape (\\n \\t \\r \\\" \\\\ \\uXXXX), not \\" + std::string(1, c));
      }
      continue;
    }
    v += c;
  }
  return fail(error, start_line, "a closing \" for the string opened here");
}

bool Parser::token(nlohmann::json* out, ParseError* error) {
  const std::size_t start = pos_;
  while (pos_ < s_.size() && !is_delim(s_[pos_])) ++pos_;
  std::string t = s_.substr(start, pos_ - start);
  if (t.empty()) return fail(error, line_, "a value, not '" + std::string(1, s_[start]) + "'");
  if (t[0] == ':') {
    if (t.size() == 1) return fail(error, line_, "a keyword name after ':'");
    *out = t.substr(1);
    return true;
  }
  if (t == "nil") return *out = nullptr, true;
  if (t == "true") return *out = true, true;
  if (t == "false") return *out = false, true;
  const bool numeric = std::isdigit(static_cast<unsigned char>(t[0])) ||
                       ((t[0] == '-' || t[0] == '+') && t.size() > 1 &&
                        std::isdigit(static_cast<unsigned char>(t[1])));
  if (!numeric) {
    *out = t;  // a symbol: kept as its name
    return true;
  }
  if (t.back() == 'N') t.pop_back();
  const bool floating = t.find_first_of(".eEM") != std::string::npos;
  if (!floating) {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(t.c_str(), &end, 10);
    if (errno == 0 && end == t.c_str() + t.size()) return *out = v, true;
    return fail(error, line_, "an integer that fits 64 bits, not " + t);
  }
  if (t.back() == 'M') t.pop_back();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(t.c_str(), &end);
  if (end != t.c_str() + t.size()) return fail(error, line_, "a number, not " + t);
  if (errno == ERANGE && std::isinf(v)) {
    return fail(error, line_, "a number within the range of a double, not " + t);
  }
  *out = v;
  return true;
}

// A character literal (pos_ at the backslash): \c, \newline, \return, \space, \tab,
// \formfeed, \backspace or \uXXXX; read as a one-character string.
bool Parser::character(nlohmann::json* out, ParseError* error) {
  ++pos_;
  if (pos_ >= s_.size() || is_space(s_[pos_])) {
    return fail(error, line_, "a character after '\\'");
  }
  std::size_t end = pos_ + 1;  // the first character even if a delimiter: \( \" \;
  while (end < s_.size() && !is_delim(s_[end])) ++end;
  const std::string name = s_.substr(pos_, end - pos_);
  static const std::pair<const char*, const char*> kNamed[] = {
      {"newline", "\n"}, {"return", "\r"},   {"space", " "},
      {"tab", "\t"},     {"formfeed", "\f"}, {"backspace", "\b"}};
  for (const auto& [n, c] : kNamed) {
    if (name == n) return pos_ = end, *out = c, true;
  }
  if (name.size() == 5 && name[0] == 'u') {
    std::string v;
    if (!unicode(&v, error)) return false;
    ++pos_;
    return *out = v, true;
  }
  // One UTF-8 code point: a lead byte and its continuation bytes.
  std::size_t len = 1;
  while (len < name.size() && (static_cast<unsigned char>(name[len]) & 0xC0) == 0x80) ++len;
  if (len != name.size()) return fail(error, line_, "a character literal, not \\" + name);
  pos_ = end;
  *out = name;
  return true;
}

bool Parser::add(std::vector<Frame>& stack, nlohmann::json v, nlohmann::json* out, bool* done,
                 ParseError* error) {
  if (!stack.empty() && stack.back().close == '\0') {  // #_ discards this form
    stack.pop_back();
    return true;
  }
  if (stack.empty()) {
    *out = std::move(v);
    *done = true;
    return true;
  }
  Frame& f = stack.back();
  if (!f.map) {
    f.value.push_back(std::move(v));
  } else if (!f.has_key) {
    if (v.is_object() || v.is_array()) return fail(error, line_, "a map key as a scalar");
    f.key = std::move(v);
    f.has_key = true;
  } else {
    f.value[map_key(f.key)] = std::move(v);
    f.has_key = false;
  }
  return true;
}

bool Parser::next_form(nlohmann::json* out, std::size_t* line, bool* eof, ParseError* error) {
  std::vector<Frame> stack;
  skip_space();
  *eof = pos_ >= s_.size();
  *line = line_;
  if (*eof) return true;
  element_lines_.clear();
  bool dropped_top = false;  // a top-level form was discarded by #_
  for (bool done = false; !done;) {
    skip_space();
    const bool discard = s_.compare(pos_, 2, "#_") == 0;
    if (stack.size() == 1 && pos_ < s_.size() && !std::strchr(")]}", s_[pos_]) && !discard) {
      element_lines_.push_back(line_);
    }
    if (pos_ >= s_.size() && stack.empty()) {
      if (dropped_top) return *eof = true, true;           // "#_ form" was all that was left
      return fail(error, line_, "a value after the tag");  // "#tag" then nothing
    }
    if (pos_ >= s_.size() && stack.back().close == '\0') {
      return fail(error, stack.back().line, "a form after #_");
    }
    if (pos_ >= s_.size()) {
      return fail(error, stack.back().line,
                  std::string("a closing '") + stack.back().close + "' for the form opened here");
    }
    const char c = s_[pos_];
    if (discard) {
      if (stack.size() >= kMaxEdnDepth) return fail(error, line_, "nesting at most 256 deep");
      Frame f;
      f.close = '\0';
      f.line = line_;
      pos_ += 2;
      dropped_top = dropped_top || stack.empty();
      stack.push_back(std::move(f));
      continue;
    }
    if (c == ')' || c == ']' || c == '}') {
      if (!stack.empty() && stack.back().close == '\0') {
        return fail(error, line_, std::string("a form after #_, not '") + c + "'");
      }
      if (stack.empty() || stack.back().close != c) {
        return fail(error, line_,
                    stack.empty() ? "a value, not '" + std::string(1, c) + "'"
                                  : std::string("'") + stack.back().close + "', not '" + c + "'");
      }
      if (stack.back().has_key) return fail(error, line_, "a value for every map key");
      ++pos_;
      nlohmann::json v = std::move(stack.back().value);
      stack.pop_back();
      if (!add(stack, std::move(v), out, &done, error)) return false;
      continue;
    }
    const bool set = c == '#' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '{';
    if (c == '[' || c == '(' || c == '{' || set) {
      if (stack.size() >= kMaxEdnDepth) return fail(error, line_, "nesting at most 256 deep");
      Frame f;
      f.close = c == '[' ? ']' : c == '(' ? ')' : '}';
      f.map = c == '{';
      f.value = f.map ? nlohmann::json::object() : nlohmann::json::array();
      f.line = line_;
      pos_ += set ? 2 : 1;
      stack.push_back(std::move(f));
      continue;
    }
    if (c == '#') {  // a tagged value: drop the tag, read what follows
      ++pos_;
      while (pos_ < s_.size() && !is_delim(s_[pos_])) ++pos_;
      continue;
    }
    nlohmann::json v;
    const bool read = c == '"'    ? string(&v, error)
                      : c == '\\' ? character(&v, error)
                                  : token(&v, error);
    if (!read) return false;
    if (!add(stack, std::move(v), out, &done, error)) return false;
  }
  return true;
}

}  // namespace

namespace {

bool parse_forms(const std::string& text, std::vector<nlohmann::json>* forms,
                 std::vector<std::size_t>* form_lines, std::vector<std::size_t>* first_elements,
                 ParseError* error) {
  Parser p(text);
  for (;;) {
    nlohmann::json v;
    std::size_t line = 0;
    bool eof = false;
    if (!p.next_form(&v, &line, &eof, error)) return false;
    if (eof) return true;
    if (forms->empty()) *first_elements = p.element_lines();
    forms->push_back(std::move(v));
    form_lines->push_back(line);
  }
}

bool keyword_safe(const std::string& s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && !std::strchr("-_?!.*/+<>=", c)) {
      return false;
    }
  }
  return true;
}

void write_edn(const nlohmann::json& v, std::string* out) {
  // Iterative: a stack of (container, next child) so deep values cannot overflow the stack.
  struct Item {
    const nlohmann::json* v;
    nlohmann::json::const_iterator it;
  };
  std::vector<Item> stack;
  auto open = [&](const nlohmann::json& x) {
    if (x.is_object()) {
      *out += '{';
      stack.push_back({&x, x.begin()});
    } else if (x.is_array()) {
      *out += '[';
      stack.push_back({&x, x.begin()});
    } else if (x.is_null()) {
      *out += "nil";
    } else {
      *out += x.dump();  // JSON's strings, numbers and booleans read back as EDN
    }
  };
  open(v);
  while (!stack.empty()) {
    Item& top = stack.back();
    if (top.it == top.v->end()) {
      *out += top.v->is_object() ? '}' : ']';
      stack.pop_back();
      continue;
    }
    const bool first = top.it == top.v->begin();
    if (!first) *out += top.v->is_object() ? ", " : " ";
    const nlohmann::json& child = *top.it;
    if (top.v->is_object()) {
      const std::string& k = top.it.key();
      *out += keyword_safe(k) ? ":" + k : nlohmann::json(k).dump();
      *out += ' ';
    }
    ++top.it;
    open(child);
  }
}

}  // namespace

bool parse_edn(const std::string& text, std::vector<nlohmann::json>* forms,
               std::vector<std::size_t>* form_lines, ParseError* error) {
  std::vector<std::size_t> unused;
  return parse_forms(text, forms, form_lines, &unused, error);
}

std::string to_edn(const nlohmann::json& value) {
  std::string out;
  write_edn(value, &out);
  return out;
}

std::string to_edn_line(const Op& op) {
  auto word = [](const std::string& s) {
    return keyword_safe(s) ? ":" + s : nlohmann::json(s).dump();
  };
  std::string out = "{:index " + std::to_string(op.index) + ", :time " +
                    std::to_string(op.time_ns) + ", :type :" + to_string(op.type) + ", :process " +
                    (op.process == kNemesisProcess ? ":nemesis" : std::to_string(op.process)) +
                    ", :f " + word(op.f) + ", :value " + to_edn(op.value);
  for (const auto& [k, v] : op.extra.items()) out += ", " + word(k) + " " + to_edn(v);
  return out + "}";
}

bool read_edn(std::istream& in, History* out, ParseError* error) {
  out->ops.clear();
  out->format = SourceFormat::kEdn;
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  if (text.size() > kMaxEdnBytes) return fail(error, 1, "a history of at most 2 GiB");
  // Strings become JSON strings, which must be UTF-8 (dumping one that is not throws).
  const std::size_t bad = invalid_utf8_line(text);
  if (bad != 0) return fail(error, bad, "UTF-8 text (Jepsen writes EDN as UTF-8)");
  std::vector<nlohmann::json> forms;
  std::vector<std::size_t> lines, element_lines;
  if (!parse_forms(text, &forms, &lines, &element_lines, error)) return false;
  if (forms.size() == 1 && forms[0].is_array()) {  // one top-level vector of ops
    std::vector<nlohmann::json> ops = forms[0].get<std::vector<nlohmann::json>>();
    lines = element_lines;
    lines.resize(ops.size(), lines.empty() ? 1 : lines.back());
    forms.swap(ops);
  }
  if (forms.size() > kMaxOps) return fail(error, 1, "at most 10,000,000 operations");
  for (std::size_t i = 0; i < forms.size(); ++i) {
    Op op;
    if (!op_from_json(forms[i], lines[i], &op, error)) return false;
    if (!forms[i].contains("index")) op.index = static_cast<std::int64_t>(i);
    out->ops.push_back(std::move(op));
  }
  return true;
}

}  // namespace fl::history
