// validate_options() and describe() (spec.h).
#include "options/spec.h"

#include <cmath>
#include <sstream>

#include "system/io/assert.h"

namespace fl::options {
namespace {

using Kind = OptionSpec::Kind;

std::string describe_kind(const OptionSpec& spec) {
  std::ostringstream os;
  switch (spec.kind) {
    case Kind::kInt:
      os << "an integer";
      break;
    case Kind::kFloat:
      os << "a number";
      break;
    case Kind::kBool:
      os << "true or false";
      break;
    case Kind::kString:
      if (spec.choices.empty()) {
        os << "a string";
      } else {
        os << "one of";
        for (std::size_t i = 0; i < spec.choices.size(); ++i) {
          os << (i ? ", " : " ") << '"' << spec.choices[i] << '"';
        }
      }
      break;
    case Kind::kStringList:
      os << "a list of strings";
      break;
    case Kind::kTable:
      os << "a table";
      break;
    case Kind::kTableList:
      os << "a list of tables";
      break;
  }
  if ((spec.kind == Kind::kInt || spec.kind == Kind::kFloat) && spec.min != spec.max) {
    os << " in " << spec.min << ".." << spec.max;
  }
  return os.str();
}

bool type_matches(const OptionSpec& spec, const nlohmann::json& v) {
  switch (spec.kind) {
    case Kind::kInt:
      return v.is_number_integer();
    case Kind::kFloat:
      return v.is_number();
    case Kind::kBool:
      return v.is_boolean();
    case Kind::kString:
      return v.is_string();
    case Kind::kStringList:
      if (!v.is_array() || v.size() > kMaxListItems) return false;
      for (const auto& e : v) {
        if (!e.is_string()) return false;
      }
      return true;
    case Kind::kTable:
      return v.is_object();
    case Kind::kTableList:
      if (!v.is_array() || v.size() > kMaxListItems) return false;
      for (const auto& e : v) {
        if (!e.is_object()) return false;
      }
      return true;
  }
  return false;
}

bool value_allowed(const OptionSpec& spec, const nlohmann::json& v) {
  if (spec.kind == Kind::kInt || spec.kind == Kind::kFloat) {
    const double d = v.get<double>();
    if (!std::isfinite(d)) return false;
    return spec.min == spec.max || (d >= spec.min && d <= spec.max);
  }
  if (spec.kind == Kind::kString && !spec.choices.empty()) {
    for (const auto& c : spec.choices) {
      if (c == v.get<std::string>()) return true;
    }
    return false;
  }
  return true;
}

std::string shown(const nlohmann::json& v) {
  std::string text = v.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

}  // namespace

std::string validate_options(const std::vector<OptionSpec>& specs, const nlohmann::json& given,
                             nlohmann::json* resolved) {
  FL_ASSERT(resolved != nullptr);
  *resolved = nlohmann::json::object();
  if (!given.is_null() && !given.is_object()) return "expected a table of options";
  if (given.is_object()) {
    for (const auto& [key, value] : given.items()) {
      const OptionSpec* spec = nullptr;
      for (const auto& s : specs) {
        if (s.name == key) spec = &s;
      }
      if (spec == nullptr) {
        std::string known;
        for (const auto& s : specs) known += (known.empty() ? "" : ", ") + s.name;
        return key + ": unknown option (expected one of: " + known + ")";
      }
      if (!type_matches(*spec, value) || !value_allowed(*spec, value)) {
        return key + ": expected " + describe_kind(*spec) + ", got " + shown(value);
      }
      (*resolved)[key] = value;
    }
  }
  for (const auto& s : specs) {
    if (!resolved->contains(s.name) && !s.default_value.is_null()) {
      (*resolved)[s.name] = s.default_value;
    }
  }
  return "";
}

std::string describe(const OptionSpec& spec) { return describe_kind(spec); }

}  // namespace fl::options
