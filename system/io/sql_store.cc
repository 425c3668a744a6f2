#include "system/io/sql_store.h"

namespace fl::io {
namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  if (!(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'))) return false;
  for (char c : name) {
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

bool fits(ColumnType type, const Value& v) {
  switch (type) {
    case ColumnType::kInt64:
      return std::holds_alternative<std::int64_t>(v);
    case ColumnType::kText:
      return std::holds_alternative<std::string>(v);
    case ColumnType::kBool:
      return std::holds_alternative<bool>(v);
  }
  return false;
}

std::string validate_indexes(const TableSchema& schema) {
  if (schema.indexes.size() > kMaxIndexes) {
    return "table " + schema.name + " has more than " + std::to_string(kMaxIndexes) + " indexes";
  }
  for (std::size_t i = 0; i < schema.indexes.size(); ++i) {
    const IndexSchema& index = schema.indexes[i];
    if (!valid_name(index.name) || !valid_name(schema.name + "__" + index.name)) {
      return "bad index name '" + index.name + "' on " + schema.name;
    }
    if (index.columns.empty() || index.columns.size() > kMaxIndexColumns) {
      return "index " + index.name + " needs 1 to " + std::to_string(kMaxIndexColumns) + " columns";
    }
    for (std::size_t j = 0; j < index.columns.size(); ++j) {
      if (index.columns[j] >= schema.columns.size()) return "index column out of range";
      for (std::size_t k = 0; k < j; ++k) {
        if (index.columns[k] == index.columns[j]) return "duplicate column in index " + index.name;
      }
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (schema.indexes[j].name == index.name) return "duplicate index " + index.name;
    }
  }
  return "";
}

}  // namespace

const char* to_string(Isolation isolation) {
  switch (isolation) {
    case Isolation::kReadCommitted:
      return "read committed";
    case Isolation::kRepeatableRead:
      return "repeatable read";
    case Isolation::kSerializable:
      return "serializable";
  }
  return "?";
}

std::string validate_schema(const TableSchema& schema) {
  if (!valid_name(schema.name)) return "bad table name '" + schema.name + "'";
  if (schema.columns.empty() || schema.columns.size() > kMaxColumns) {
    return "table " + schema.name + " needs 1 to 64 columns";
  }
  for (std::size_t i = 0; i < schema.columns.size(); ++i) {
    const auto& c = schema.columns[i];
    if (!valid_name(c.name)) return "bad column name '" + c.name + "' in " + schema.name;
    for (std::size_t j = 0; j < i; ++j) {
      if (schema.columns[j].name == c.name) return "duplicate column " + c.name;
    }
  }
  if (schema.primary_key.empty()) return "table " + schema.name + " needs a primary key";
  for (std::size_t k : schema.primary_key) {
    if (k >= schema.columns.size()) return "primary key column out of range in " + schema.name;
    if (schema.columns[k].nullable) return "primary key column may not be nullable";
  }
  return validate_indexes(schema);
}

std::string validate_scan(const TableSchema& schema, const ScanSpec& spec) {
  if (spec.limit > kMaxScanRows) return "scan limit above " + std::to_string(kMaxScanRows);
  const IndexSchema* index = nullptr;
  if (!spec.index.empty()) {
    index = find_index(schema, spec.index);
    if (index == nullptr) return "no index " + spec.index + " on " + schema.name;
  }
  const std::vector<std::size_t> order = order_columns(schema, index);
  for (const std::optional<Key>* bound : {&spec.from, &spec.until}) {
    if (!bound->has_value()) continue;
    const Key& b = **bound;
    if (b.size() > order.size()) return "scan bound longer than the order of " + schema.name;
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (!fits(schema.columns[order[i]].type, b[i])) {
        return "scan bound value of the wrong type for column " + schema.columns[order[i]].name;
      }
    }
  }
  for (const Filter& f : spec.filters) {
    if (f.column >= schema.columns.size()) return "filter column out of range";
  }
  return "";
}

const IndexSchema* find_index(const TableSchema& schema, const std::string& name) {
  for (const IndexSchema& index : schema.indexes) {
    if (index.name == name) return &index;
  }
  return nullptr;
}

std::vector<std::size_t> order_columns(const TableSchema& schema, const IndexSchema* index) {
  std::vector<std::size_t> out;
  if (index != nullptr) out = index->columns;
  out.insert(out.end(), schema.primary_key.begin(), schema.primary_key.end());
  return out;
}

Key order_key(const std::vector<std::size_t>& columns, const Row& row) {
  Key key;
  key.reserve(columns.size());
  for (std::size_t c : columns) key.push_back(row.at(c));
  return key;
}

std::string validate_texts(const std::vector<Value>& values) {
  for (const Value& v : values) {
    const std::string* text = std::get_if<std::string>(&v);
    if (text != nullptr && text->find('\0') != std::string::npos) {
      return "a text value holds a NUL byte, which PostgreSQL cannot store";
    }
  }
  return "";
}

std::string validate_row(const TableSchema& schema, const Row& row) {
  if (std::string e = validate_texts(row); !e.empty()) return e;
  if (row.size() != schema.columns.size()) {
    return "row has " + std::to_string(row.size()) + " values, table " + schema.name + " has " +
           std::to_string(schema.columns.size()) + " columns";
  }
  for (std::size_t i = 0; i < row.size(); ++i) {
    const auto& c = schema.columns[i];
    if (std::holds_alternative<Null>(row[i])) {
      if (!c.nullable) return "null value in column " + c.name + " violates not-null";
      continue;
    }
    if (!fits(c.type, row[i])) return "wrong type for column " + c.name;
  }
  return "";
}

Key key_of(const TableSchema& schema, const Row& row) {
  Key key;
  key.reserve(schema.primary_key.size());
  for (std::size_t k : schema.primary_key) key.push_back(row.at(k));
  return key;
}

bool matches(const Row& row, const std::vector<Filter>& filters) {
  for (const auto& f : filters) {
    const Value& v = row.at(f.column);
    // SQL semantics: any comparison with NULL is not true.
    if (std::holds_alternative<Null>(v) || std::holds_alternative<Null>(f.value)) return false;
    if (v.index() != f.value.index()) return false;
    bool ok = false;
    switch (f.op) {
      case CompareOp::kEq:
        ok = v == f.value;
        break;
      case CompareOp::kNe:
        ok = v != f.value;
        break;
      case CompareOp::kLt:
        ok = v < f.value;
        break;
      case CompareOp::kLe:
        ok = v <= f.value;
        break;
      case CompareOp::kGt:
        ok = v > f.value;
        break;
      case CompareOp::kGe:
        ok = v >= f.value;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace fl::io
