// The secondary-index part of the data-store contract, against every backend: an index scan
// returns exactly the rows a primary-key scan would return to the same transaction, in the
// order (index columns, primary key), bounded by a prefix or a full tuple; a row moves in the
// index when updated, and no transaction sees through the index a version it could not see
// otherwise; an index added to an existing table covers its rows; bad index scans are refused.
#include <gtest/gtest.h>

#include "tests/contract/backend.h"

namespace fl::contract {
namespace {

using io::Isolation;
using io::Value;

// jobs(id, status, shard): indexed on status and on (shard, status).
io::TableSchema jobs(bool with_shard_index = true) {
  io::TableSchema s;
  s.name = "jobs";
  s.columns = {{"id", io::ColumnType::kText, false},
               {"status", io::ColumnType::kText, false},
               {"shard", io::ColumnType::kInt64, false}};
  s.primary_key = {0};
  s.indexes = {{"by_status", {1}}};
  if (with_shard_index) s.indexes.push_back({"by_shard", {2, 1}});
  return s;
}
io::Row job(const std::string& id, const std::string& status, std::int64_t shard) {
  return {Value(id), Value(status), Value(shard)};
}
std::vector<std::string> ids(const std::vector<io::Row>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(std::get<std::string>(r[0]));
  return out;
}

class IndexContract : public ::testing::TestWithParam<std::string> {
 public:
  void SetUp() override {
    backend_ = make_backend(GetParam());
    ASSERT_NE(backend_, nullptr);
  }
  io::SqlStore& sql() { return backend_->sql(); }
  std::unique_ptr<io::SqlTransaction> begin(Isolation iso = Isolation::kReadCommitted) {
    auto tx = sql().begin(iso);
    EXPECT_TRUE(tx.is_ok()) << tx.status().to_string();
    return tx.is_ok() ? std::move(tx.value()) : nullptr;
  }
  void seed() {
    ASSERT_TRUE(sql().create_table(jobs()).is_ok());
    auto tx = begin();
    // Byte order: "B" < "a" (collation "C" in production, as the seam orders).
    for (const auto& [id, status, shard] :
         std::vector<std::tuple<std::string, std::string, int>>{{"j1", "running", 2},
                                                                {"j2", "done", 1},
                                                                {"j3", "running", 1},
                                                                {"j4", "failed", 2},
                                                                {"j5", "running", 1},
                                                                {"J6", "running", 2}}) {
      ASSERT_TRUE(tx->insert("jobs", job(id, status, shard)).is_ok());
    }
    ASSERT_TRUE(tx->commit().is_ok());
  }
  std::vector<std::string> scan(io::SqlTransaction& tx, const io::ScanSpec& spec) {
    auto rows = tx.scan("jobs", spec);
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows.is_ok() ? ids(rows.value()) : std::vector<std::string>{};
  }
  static io::ScanSpec by(const std::string& index, std::optional<io::Key> from,
                         std::optional<io::Key> until) {
    io::ScanSpec spec;
    spec.index = index;
    spec.from = std::move(from);
    spec.until = std::move(until);
    return spec;
  }
  std::unique_ptr<Backend> backend_;
};

using Strings = std::vector<std::string>;

TEST_P(IndexContract, OrdersByIndexThenKeyWithPrefixAndFullBounds) {
  backend_->run([&] {
    seed();
    auto tx = begin();
    EXPECT_EQ(scan(*tx, by("by_status", io::Key{Value("running")}, io::Key{Value("runninh")})),
              (Strings{"J6", "j1", "j3", "j5"}));
    // A cursor: the rows after ("running", "j1").
    io::ScanSpec page = by("by_status", io::Key{Value("running"), Value("j1")}, std::nullopt);
    page.filters = {{1, io::CompareOp::kEq, Value("running")},
                    {0, io::CompareOp::kNe, Value("j1")}};
    page.limit = 1;
    EXPECT_EQ(scan(*tx, page), (Strings{"j3"}));
    // until = a prefix stops before every row that begins with it.
    EXPECT_EQ(scan(*tx, by("by_status", std::nullopt, io::Key{Value("running")})),
              (Strings{"j2", "j4"}));
    io::ScanSpec down =
        by("by_shard", io::Key{Value(std::int64_t{1})}, io::Key{Value(std::int64_t{2})});
    down.descending = true;
    EXPECT_EQ(scan(*tx, down), (Strings{"j5", "j3", "j2"}));
    EXPECT_EQ(scan(*tx, by("by_shard", io::Key{}, std::nullopt)).size(), 6u);
    EXPECT_TRUE(scan(*tx, by("by_shard", std::nullopt, io::Key{})).empty());
    ASSERT_TRUE(tx->commit().is_ok());
  });
}

TEST_P(IndexContract, UpdatesMoveRowsAndVisibilityHoldsThroughTheIndex) {
  backend_->run([&] {
    seed();
    auto snap = begin(Isolation::kRepeatableRead);
    const auto running = by("by_status", io::Key{Value("running")}, io::Key{Value("runninh")});
    ASSERT_EQ(scan(*snap, running).size(), 4u);  // takes the snapshot
    auto writer = begin();
    ASSERT_TRUE(writer->update("jobs", {Value("j3")}, {}, {{1, Value("done")}}).value());
    ASSERT_TRUE(writer->insert("jobs", job("j7", "running", 1)).is_ok());
    auto other = begin();
    EXPECT_EQ(scan(*other, running), (Strings{"J6", "j1", "j3", "j5"}));  // uncommitted unseen
    ASSERT_TRUE(other->commit().is_ok());
    ASSERT_TRUE(writer->commit().is_ok());
    EXPECT_EQ(scan(*snap, running), (Strings{"J6", "j1", "j3", "j5"}));  // its snapshot holds
    ASSERT_TRUE(snap->commit().is_ok());
    auto after = begin();
    EXPECT_EQ(scan(*after, running), (Strings{"J6", "j1", "j5", "j7"}));
    EXPECT_EQ(scan(*after, by("by_status", io::Key{Value("done")}, io::Key{Value("donf")})),
              (Strings{"j2", "j3"}));
    ASSERT_TRUE(after->remove("jobs", {Value("j1")}).value());
    EXPECT_EQ(scan(*after, running), (Strings{"J6", "j5", "j7"}));
    after->rollback();
  });
}

TEST_P(IndexContract, AnIndexAddedLaterCoversExistingRows) {
  backend_->run([&] {
    ASSERT_TRUE(sql().create_table(jobs(false)).is_ok());
    auto tx = begin();
    ASSERT_TRUE(tx->insert("jobs", job("a", "x", 3)).is_ok());
    ASSERT_TRUE(tx->insert("jobs", job("b", "y", 1)).is_ok());
    ASSERT_TRUE(tx->commit().is_ok());
    auto missing = begin();
    EXPECT_EQ(missing->scan("jobs", by("by_shard", std::nullopt, std::nullopt)).status().kind(),
              io::ErrorKind::kInvalidArgument);
    ASSERT_TRUE(sql().create_table(jobs(true)).is_ok());
    auto later = begin();
    EXPECT_EQ(scan(*later, by("by_shard", std::nullopt, std::nullopt)), (Strings{"b", "a"}));
    ASSERT_TRUE(later->commit().is_ok());
  });
}

TEST_P(IndexContract, BadIndexesAndScansAreRefused) {
  backend_->run([&] {
    io::TableSchema bad = jobs();
    bad.indexes.push_back({"by_status", {2}});
    EXPECT_EQ(sql().create_table(bad).kind(), io::ErrorKind::kInvalidArgument);
    bad = jobs();
    bad.indexes[0].columns = {7};
    EXPECT_EQ(sql().create_table(bad).kind(), io::ErrorKind::kInvalidArgument);
    bad = jobs();
    bad.indexes[0].name = std::string(60, 'x');  // "jobs__xxx..." longer than 63 bytes
    EXPECT_EQ(sql().create_table(bad).kind(), io::ErrorKind::kInvalidArgument);
    seed();
    auto tx = begin();
    EXPECT_EQ(tx->scan("jobs", by("nope", std::nullopt, std::nullopt)).status().kind(),
              io::ErrorKind::kInvalidArgument);
    auto tx2 = begin();
    EXPECT_EQ(tx2->scan("jobs", by("by_status", io::Key{Value(std::int64_t{1})}, std::nullopt))
                  .status()
                  .kind(),
              io::ErrorKind::kInvalidArgument);
    auto tx3 = begin();
    io::Key too_long{Value("a"), Value("b"), Value("c")};
    EXPECT_EQ(tx3->scan("jobs", by("by_status", too_long, std::nullopt)).status().kind(),
              io::ErrorKind::kInvalidArgument);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, IndexContract, ::testing::ValuesIn(backend_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace fl::contract
