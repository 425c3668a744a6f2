// An Elle-style checker for read-write register transactions: micro-ops ["w", k, v] and
// ["r", k, v|null] in f "txn" ops. Written values are unique per key and never null, so a read
// names the one transaction that wrote what it saw (wr). Version orders are inferred only where
// certain, so no reported anomaly is a guess:
//  - the initial state is nil: a read of nil precedes every write of that key (rw to each
//    writer);
//  - a committed transaction that read version v of k and then wrote k installed a later
//    version: ww from v's writer, rw from every other reader of v.
// With process and real-time orders (core.h) cycles are classified as for list-append. Also:
// G1a (a read of an aborted write), G1b (a read of another transaction's intermediate write),
// internal inconsistency (a read that disagrees with the transaction's own earlier read or
// write), garbage reads, lost updates (two committed transactions read the same version of a key
// and both wrote it).
#pragma once

#include "checkers/elle/core.h"

namespace fl::checkers::elle {

ElleResult check_rw_register(const history::History& h);

}  // namespace fl::checkers::elle
