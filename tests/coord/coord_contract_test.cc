// The io::CoordStore contract, run unchanged against the simulated etcd and a real etcd 3.4 on
// loopback: compare-and-set on mod revisions, revisions that grow by one per write, prefix
// listing, leases (granted TTL at least the asked one, keys deleted on revoke and on expiry,
// renewal keeps them), durability of acknowledged writes across kill -9, refusal of bad input.
// Where the real etcd and the model disagree, one of these fails.
#include <gtest/gtest.h>

#include "tests/coord/coord_backend.h"

namespace fl::coordtest {
namespace {

class CoordContract : public ::testing::TestWithParam<std::string> {
 protected:
  void run(const std::function<void(CoordBackend&, io::CoordStore&)>& body) {
    auto backend = make_coord_backend(GetParam());
    ASSERT_NE(backend, nullptr);
    backend->run([&] { body(*backend, backend->store()); });
  }
};

io::CoordCas put(io::CoordStore& s, const std::string& k, const std::string& v,
                 std::int64_t expected, std::int64_t lease = 0) {
  auto r = s.put_if(k, v, expected, lease);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? r.value() : io::CoordCas{};
}

TEST_P(CoordContract, CompareAndSetOnModRevision) {
  run([](CoordBackend&, io::CoordStore& s) {
    auto first = put(s, "/dr/leader", "n1", 0);
    ASSERT_TRUE(first.succeeded);
    auto again = put(s, "/dr/leader", "n2", 0);
    EXPECT_FALSE(again.succeeded);
    ASSERT_TRUE(again.current.has_value());
    EXPECT_EQ(again.current->value, "n1");
    EXPECT_EQ(again.current->mod_revision, first.revision);
    EXPECT_EQ(again.revision, first.revision);  // a failed compare writes nothing
    auto second = put(s, "/dr/leader", "n2", first.revision);
    ASSERT_TRUE(second.succeeded);
    EXPECT_EQ(second.revision, first.revision + 1);
    auto stale = put(s, "/dr/leader", "n3", first.revision);
    EXPECT_FALSE(stale.succeeded);
    auto got = s.get("/dr/leader");
    ASSERT_TRUE(got.is_ok());
    ASSERT_EQ(got.value().entries.size(), 1u);
    const io::CoordEntry& e = got.value().entries[0];
    EXPECT_EQ(e.value, "n2");
    EXPECT_EQ(e.create_revision, first.revision);
    EXPECT_EQ(e.mod_revision, second.revision);
    EXPECT_EQ(got.value().revision, second.revision);
  });
}

TEST_P(CoordContract, DeleteIfAndAbsentKeys) {
  run([](CoordBackend&, io::CoordStore& s) {
    auto missing = s.get("/dr/none");
    ASSERT_TRUE(missing.is_ok());
    EXPECT_TRUE(missing.value().entries.empty());
    auto p = put(s, "/dr/k", "v", 0);
    auto wrong = s.delete_if("/dr/k", p.revision + 5);
    ASSERT_TRUE(wrong.is_ok());
    EXPECT_FALSE(wrong.value().succeeded);
    auto right = s.delete_if("/dr/k", p.revision);
    ASSERT_TRUE(right.is_ok());
    EXPECT_TRUE(right.value().succeeded);
    EXPECT_EQ(right.value().revision, p.revision + 1);
    EXPECT_TRUE(s.get("/dr/k").value().entries.empty());
    // Absent again: a create (expected 0) works, with a new create revision.
    auto recreated = put(s, "/dr/k", "w", 0);
    ASSERT_TRUE(recreated.succeeded);
    EXPECT_EQ(s.get("/dr/k").value().entries[0].create_revision, recreated.revision);
  });
}

TEST_P(CoordContract, ListIsSortedAndBoundedByPrefix) {
  run([](CoordBackend&, io::CoordStore& s) {
    put(s, "/dr/members/n2", "b", 0);
    put(s, "/dr/members/n1", "a", 0);
    put(s, "/dr/membersX", "no", 0);
    put(s, "/dr/leader", "no", 0);
    auto l = s.list("/dr/members/");
    ASSERT_TRUE(l.is_ok()) << l.status().to_string();
    ASSERT_EQ(l.value().entries.size(), 2u);
    EXPECT_EQ(l.value().entries[0].key, "/dr/members/n1");
    EXPECT_EQ(l.value().entries[1].key, "/dr/members/n2");
    EXPECT_EQ(l.value().entries[1].value, "b");
  });
}

TEST_P(CoordContract, RevokeDeletesTheLeasesKeys) {
  run([](CoordBackend&, io::CoordStore& s) {
    auto lease = s.grant_lease(5);
    ASSERT_TRUE(lease.is_ok()) << lease.status().to_string();
    EXPECT_GT(lease.value().id, 0);
    EXPECT_GE(lease.value().ttl_s, 5);
    auto p = put(s, "/dr/leader", "n1", 0, lease.value().id);
    ASSERT_TRUE(p.succeeded);
    EXPECT_EQ(s.get("/dr/leader").value().entries[0].lease, lease.value().id);
    auto renewed = s.keep_alive(lease.value().id);
    ASSERT_TRUE(renewed.is_ok()) << renewed.status().to_string();
    EXPECT_EQ(renewed.value(), lease.value().ttl_s);
    ASSERT_TRUE(s.revoke_lease(lease.value().id).is_ok());
    EXPECT_TRUE(s.get("/dr/leader").value().entries.empty());
    auto gone = s.keep_alive(lease.value().id);
    ASSERT_FALSE(gone.is_ok());
    EXPECT_EQ(gone.status().kind(), io::ErrorKind::kNotFound);
    EXPECT_TRUE(s.revoke_lease(lease.value().id).is_ok());  // unknown: ok
    auto orphan = s.put_if("/dr/x", "v", 0, lease.value().id);
    ASSERT_FALSE(orphan.is_ok());
    EXPECT_EQ(orphan.status().kind(), io::ErrorKind::kNotFound);
  });
}

TEST_P(CoordContract, ShortTtlIsRaisedToTheMinimum) {
  run([](CoordBackend&, io::CoordStore& s) {
    auto lease = s.grant_lease(1);
    ASSERT_TRUE(lease.is_ok());
    EXPECT_GE(lease.value().ttl_s, 1);  // etcd's minimum with default timing is 2 s
  });
}

TEST_P(CoordContract, ExpiryDeletesKeysUnlessRenewed) {
  run([](CoordBackend& b, io::CoordStore& s) {
    auto dying = s.grant_lease(2);
    auto kept = s.grant_lease(2);
    ASSERT_TRUE(dying.is_ok() && kept.is_ok());
    ASSERT_EQ(dying.value().ttl_s, 2);
    put(s, "/dr/dying", "v", 0, dying.value().id);
    put(s, "/dr/kept", "v", 0, kept.value().id);
    for (int i = 0; i < 8; ++i) {  // 4 s: twice the TTL
      b.clock().sleep_ns(500 * io::kNsPerMs);
      ASSERT_TRUE(s.keep_alive(kept.value().id).is_ok());
    }
    EXPECT_TRUE(s.get("/dr/dying").value().entries.empty());
    EXPECT_EQ(s.get("/dr/kept").value().entries.size(), 1u);
    EXPECT_EQ(s.keep_alive(dying.value().id).status().kind(), io::ErrorKind::kNotFound);
  });
}

TEST_P(CoordContract, AcknowledgedWritesSurviveKill9) {
  run([](CoordBackend& b, io::CoordStore& s) {
    auto lease = s.grant_lease(30);
    ASSERT_TRUE(lease.is_ok());
    auto p = put(s, "/dr/leader", "n1", 0, lease.value().id);
    put(s, "/dr/timeline", "7", 0);
    b.crash();
    auto down = s.get("/dr/leader");
    EXPECT_FALSE(down.is_ok());
    EXPECT_FALSE(s.put_if("/dr/other", "v", 0, 0).is_ok());
    b.restart();
    io::Result<io::CoordRead> after = io::Status::failed(io::ErrorKind::kInternal, "not read");
    for (int i = 0; i < 50 && !after.is_ok(); ++i) {  // the first call may hit a dead connection
      after = s.get("/dr/leader");
      if (!after.is_ok()) b.clock().sleep_ns(100 * io::kNsPerMs);
    }
    ASSERT_TRUE(after.is_ok()) << after.status().to_string();
    ASSERT_EQ(after.value().entries.size(), 1u);
    EXPECT_EQ(after.value().entries[0].mod_revision, p.revision);
    EXPECT_EQ(s.get("/dr/timeline").value().entries[0].value, "7");
    EXPECT_TRUE(s.keep_alive(lease.value().id).is_ok());  // the lease survived (and was renewed)
  });
}

TEST_P(CoordContract, BadInputIsRefused) {
  run([](CoordBackend&, io::CoordStore& s) {
    EXPECT_EQ(s.get("").status().kind(), io::ErrorKind::kInvalidArgument);
    EXPECT_EQ(s.list("").status().kind(), io::ErrorKind::kInvalidArgument);
    EXPECT_EQ(s.put_if(std::string(io::kMaxCoordKeyBytes + 1, 'k'), "v", 0, 0).status().kind(),
              io::ErrorKind::kInvalidArgument);
    EXPECT_EQ(s.put_if("k", std::string(io::kMaxCoordValueBytes + 1, 'v'), 0, 0).status().kind(),
              io::ErrorKind::kInvalidArgument);
    EXPECT_EQ(s.put_if("k", "v", -1, 0).status().kind(), io::ErrorKind::kInvalidArgument);
    EXPECT_EQ(s.delete_if("k", 0).status().kind(), io::ErrorKind::kInvalidArgument);
    EXPECT_EQ(s.grant_lease(0).status().kind(), io::ErrorKind::kInvalidArgument);
    EXPECT_EQ(s.keep_alive(0).status().kind(), io::ErrorKind::kInvalidArgument);
    EXPECT_EQ(s.revoke_lease(-3).kind(), io::ErrorKind::kInvalidArgument);
    // Binary keys and values round-trip (base64 on the gateway).
    const std::string key("/dr/\x01\xff\x00z", 8);
    const std::string value("\x00\x01\x02\xfe", 4);
    ASSERT_TRUE(put(s, key, value, 0).succeeded);
    auto got = s.get(key);
    ASSERT_TRUE(got.is_ok());
    ASSERT_EQ(got.value().entries.size(), 1u);
    EXPECT_EQ(got.value().entries[0].key, key);
    EXPECT_EQ(got.value().entries[0].value, value);
  });
}

INSTANTIATE_TEST_SUITE_P(Backends, CoordContract, ::testing::ValuesIn(coord_backend_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace fl::coordtest
