// An Elle-style checker for list-append transactions (Kingsbury & Alvaro, "Elle: Inferring
// Isolation Anomalies from Experimental Observations", VLDB 2020).
//
// Each transaction (f "txn") is a list of micro-ops ["append", k, v] and ["r", k, [v...]].
// Appended values are unique per key, so every read reveals a prefix of the key's version order;
// the longest committed read (without repeated elements) fixes the order and every other read
// must be a prefix of it. From that: ww (consecutive appends), wr (the writer of a read's last
// element) and rw (a read, and the writer of the next element) dependencies. An append no read
// observed follows the last element any read saw (the empty list if none: a key appended once
// needs no read), so it gets ww from that element's writer and rw from every read of that whole
// state (Elle's previously-appended-element). Plus process and real-time orders; cycles are
// classified by cycle_search.h. Also reported: G1a (a read of an aborted append), G1b (a read
// ending at another transaction's intermediate append), internal inconsistency, future reads (a
// read holding the transaction's own later append), duplicate elements, incompatible orders,
// dirty updates (a committed append after an aborted one in a version order), garbage reads (of
// values never appended), lost updates (two committed transactions read the same version of a
// key and both appended to it). See docs/checkers.md.
// A history that appends one value twice to a key cannot be analysed: unknown, with the error.
#pragma once

#include "checkers/elle/core.h"

namespace fl::checkers::elle {

// `orders`: which order edges join the data dependencies (core.h).
ElleResult check_list_append(const history::History& h, OrderEdges orders = OrderEdges::kBoth);

}  // namespace fl::checkers::elle
