#include "real/pg_sql.h"

#include <charconv>

namespace fl::real::pgsql {
namespace {

const char* type_name(io::ColumnType t) {
  switch (t) {
    case io::ColumnType::kInt64:
      return "bigint";
    case io::ColumnType::kText:
      return "text";
    case io::ColumnType::kBool:
      return "boolean";
  }
  return "text";
}

const char* op_text(io::CompareOp op) {
  switch (op) {
    case io::CompareOp::kEq:
      return " = ";
    case io::CompareOp::kNe:
      return " <> ";
    case io::CompareOp::kLt:
      return " < ";
    case io::CompareOp::kLe:
      return " <= ";
    case io::CompareOp::kGt:
      return " > ";
    case io::CompareOp::kGe:
      return " >= ";
  }
  return " = ";
}

std::string param(Params* params, const io::Value& v) {
  params->push_back(encode(v));
  return "$" + std::to_string(params->size());
}

std::string key_where(const io::TableSchema& s, const io::Key& key, Params* params) {
  std::string sql;
  for (std::size_t i = 0; i < s.primary_key.size(); ++i) {
    sql += i ? " AND " : " WHERE ";
    sql += s.columns[s.primary_key[i]].name + " = " + param(params, key.at(i));
  }
  return sql;
}

std::string key_tuple(const io::TableSchema& s) {
  std::string sql = "(";
  for (std::size_t i = 0; i < s.primary_key.size(); ++i) {
    sql += (i ? ", " : "") + s.columns[s.primary_key[i]].name;
  }
  return sql + ")";
}

// "(c1, c2, ...)" of the first `n` of `columns`.
std::string column_tuple(const io::TableSchema& s, const std::vector<std::size_t>& columns,
                         std::size_t n) {
  std::string sql = "(";
  for (std::size_t i = 0; i < n; ++i) sql += (i ? ", " : "") + s.columns[columns.at(i)].name;
  return sql + ")";
}

std::string value_tuple(const io::Key& key, Params* params) {
  std::string sql = "(";
  for (std::size_t i = 0; i < key.size(); ++i) sql += (i ? ", " : "") + param(params, key[i]);
  return sql + ")";
}

}  // namespace

std::optional<std::string> encode(const io::Value& v) {
  if (std::holds_alternative<io::Null>(v)) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return std::string(*b ? "true" : "false");
  return std::get<std::string>(v);
}

bool decode(io::ColumnType type, const std::optional<std::string>& text, io::Value* out) {
  if (!text) {
    *out = io::Null{};
    return true;
  }
  switch (type) {
    case io::ColumnType::kInt64: {
      std::int64_t v = 0;
      const char* end = text->data() + text->size();
      auto [ptr, ec] = std::from_chars(text->data(), end, v);
      if (ec != std::errc() || ptr != end) return false;
      *out = v;
      return true;
    }
    case io::ColumnType::kBool:
      if (*text != "t" && *text != "f") return false;
      *out = *text == "t";
      return true;
    case io::ColumnType::kText:
      *out = *text;
      return true;
  }
  return false;
}

std::string create_table(const io::TableSchema& s) {
  std::string sql = "CREATE TABLE IF NOT EXISTS " + s.name + " (";
  for (const auto& c : s.columns) {
    sql += c.name + " " + type_name(c.type) +
           (c.type == io::ColumnType::kText ? " COLLATE \"C\"" : "") +
           (c.nullable ? "" : " NOT NULL") + ", ";
  }
  return sql + "PRIMARY KEY " + key_tuple(s) + ")";
}

std::string create_index(const io::TableSchema& s, const io::IndexSchema& index) {
  return "CREATE INDEX IF NOT EXISTS " + s.name + "__" + index.name + " ON " + s.name + " " +
         column_tuple(s, index.columns, index.columns.size());
}

std::string select_columns(const io::TableSchema& s) {
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < s.columns.size(); ++i) sql += (i ? ", " : "") + s.columns[i].name;
  return sql + " FROM " + s.name;
}

std::string get(const io::TableSchema& s, const io::Key& key, Params* params) {
  return select_columns(s) + key_where(s, key, params);
}

std::string insert(const io::TableSchema& s, const io::Row& row, bool upsert, Params* params) {
  std::string cols, vals;
  for (std::size_t i = 0; i < s.columns.size(); ++i) {
    cols += (i ? ", " : "") + s.columns[i].name;
    vals += (i ? ", " : "") + param(params, row.at(i));
  }
  std::string sql = "INSERT INTO " + s.name + " (" + cols + ") VALUES (" + vals + ")";
  if (!upsert) return sql;
  std::string sets;
  for (std::size_t i = 0; i < s.columns.size(); ++i) {
    bool in_key = false;
    for (std::size_t k : s.primary_key) in_key = in_key || k == i;
    if (in_key) continue;
    sets += (sets.empty() ? "" : ", ") + s.columns[i].name + " = EXCLUDED." + s.columns[i].name;
  }
  return sql + " ON CONFLICT " + key_tuple(s) +
         (sets.empty() ? " DO NOTHING" : " DO UPDATE SET " + sets);
}

std::string update(const io::TableSchema& s, const io::Key& key,
                   const std::vector<io::Filter>& conditions,
                   const std::vector<io::Assignment>& assignments, Params* params) {
  std::string sql = "UPDATE " + s.name + " SET ";
  for (std::size_t i = 0; i < assignments.size(); ++i) {
    sql += (i ? ", " : "") + s.columns.at(assignments[i].column).name + " = " +
           param(params, assignments[i].value);
  }
  sql += key_where(s, key, params);
  for (const auto& f : conditions) {
    sql += " AND " + s.columns.at(f.column).name + op_text(f.op) + param(params, f.value);
  }
  return sql;
}

std::string remove(const io::TableSchema& s, const io::Key& key, Params* params) {
  return "DELETE FROM " + s.name + key_where(s, key, params);
}

std::string scan(const io::TableSchema& s, const io::ScanSpec& spec, Params* params) {
  const std::vector<std::size_t> order =
      io::order_columns(s, spec.index.empty() ? nullptr : io::find_index(s, spec.index));
  std::string sql = select_columns(s) + " WHERE TRUE";
  // A bound of n values compares with the first n order columns: a prefix sorts first.
  if (spec.from && !spec.from->empty()) {
    sql += " AND " + column_tuple(s, order, spec.from->size()) +
           " >= " + value_tuple(*spec.from, params);
  }
  if (spec.until && spec.until->empty()) sql += " AND FALSE";  // nothing sorts before ()
  if (spec.until && !spec.until->empty()) {
    sql += " AND " + column_tuple(s, order, spec.until->size()) + " < " +
           value_tuple(*spec.until, params);
  }
  for (const auto& f : spec.filters) {
    sql += " AND " + s.columns.at(f.column).name + op_text(f.op) + param(params, f.value);
  }
  sql += " ORDER BY ";
  for (std::size_t i = 0; i < order.size(); ++i) {
    sql += (i ? ", " : "") + s.columns[order[i]].name + (spec.descending ? " DESC" : "");
  }
  return sql + " LIMIT " + std::to_string(spec.limit);
}

std::string describe_columns() {
  return "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull "
         "FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 "
         "AND NOT a.attisdropped ORDER BY a.attnum";
}

std::string describe_key() {
  return "SELECT array_to_string(conkey, ',') FROM pg_constraint "
         "WHERE conrelid = to_regclass($1) AND contype = 'p'";
}

const char* begin(io::Isolation isolation) {
  switch (isolation) {
    case io::Isolation::kReadCommitted:
      return "BEGIN ISOLATION LEVEL READ COMMITTED";
    case io::Isolation::kRepeatableRead:
      return "BEGIN ISOLATION LEVEL REPEATABLE READ";
    case io::Isolation::kSerializable:
      return "BEGIN ISOLATION LEVEL SERIALIZABLE";
  }
  return "BEGIN";
}

}  // namespace fl::real::pgsql
