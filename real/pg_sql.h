// SQL text and value encoding for PgStore. Identifiers are validated by io::validate_schema
// ([a-z_][a-z0-9_]*) before they reach here, so they are embedded as they are; every value is a
// bind parameter.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "system/io/sql_store.h"

namespace fl::real::pgsql {

using Params = std::vector<std::optional<std::string>>;

std::optional<std::string> encode(const io::Value& v);
// Decodes text from PostgreSQL into a value of the column's type; false if it does not parse.
bool decode(io::ColumnType type, const std::optional<std::string>& text, io::Value* out);

// CREATE TABLE; text columns collate "C" (byte order), the order the seam defines for scans.
std::string create_table(const io::TableSchema& s);
// CREATE INDEX IF NOT EXISTS <table>__<name> for `index` of `s`.
std::string create_index(const io::TableSchema& s, const io::IndexSchema& index);
std::string select_columns(const io::TableSchema& s);
std::string get(const io::TableSchema& s, const io::Key& key, Params* params);
std::string insert(const io::TableSchema& s, const io::Row& row, bool upsert, Params* params);
std::string update(const io::TableSchema& s, const io::Key& key,
                   const std::vector<io::Filter>& conditions,
                   const std::vector<io::Assignment>& assignments, Params* params);
std::string remove(const io::TableSchema& s, const io::Key& key, Params* params);
// SELECT in the order of the primary key or of spec.index; spec must pass io::validate_scan.
std::string scan(const io::TableSchema& s, const io::ScanSpec& spec, Params* params);
// Reads a table's schema back from the catalog: columns (name, type, not null) then key.
std::string describe_columns();
std::string describe_key();
const char* begin(io::Isolation isolation);

}  // namespace fl::real::pgsql
