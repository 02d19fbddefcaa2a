// The message vocabulary of the CAF peer workloads: CAF 0.17 atoms (names are at
// most 10 characters) shared by the workload files.
#ifndef KOMPACT_BENCH_PEERS_CAF_ATOMS_H_
#define KOMPACT_BENCH_PEERS_CAF_ATOMS_H_

#include "caf/atom.hpp"

namespace kompact::bench::caf_peer {

// Driver -> workload: start the measured phase.
using run_atom = caf::atom_constant<caf::atom("run")>;
// Workload -> driver: the measured phase is over (with a result to check).
using done_atom = caf::atom_constant<caf::atom("done")>;
// (Throughput)PingPong.
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using pong_atom = caf::atom_constant<caf::atom("pong")>;
// NetPingPong / NetThroughputPingPong: system A asks B's published service for
// its i-th ponger.
using ponger_atom = caf::atom_constant<caf::atom("ponger")>;
// FanIn: one message from a sender to the receiver; the senders (to the
// receiver, for acks); credits back to a sender (bounded variant).
using item_atom = caf::atom_constant<caf::atom("item")>;
using sources_atom = caf::atom_constant<caf::atom("sources")>;
using credit_atom = caf::atom_constant<caf::atom("credit")>;
// Spawn: the one message each spawned actor receives.
using hello_atom = caf::atom_constant<caf::atom("hello")>;
// Fibonacci: request fib(n) / respond with a value.
using fib_atom = caf::atom_constant<caf::atom("fib")>;
using value_atom = caf::atom_constant<caf::atom("value")>;
// Chameneos.
using meet_atom = caf::atom_constant<caf::atom("meet")>;
using change_atom = caf::atom_constant<caf::atom("change")>;
using fade_atom = caf::atom_constant<caf::atom("fade")>;
using count_atom = caf::atom_constant<caf::atom("count")>;
// AllPairsShortestPath.
using compute_atom = caf::atom_constant<caf::atom("compute")>;
using neighbours_atom = caf::atom_constant<caf::atom("neighbours")>;
using phase_atom = caf::atom_constant<caf::atom("phase")>;
using block_atom = caf::atom_constant<caf::atom("block")>;

}  // namespace kompact::bench::caf_peer

#endif  // KOMPACT_BENCH_PEERS_CAF_ATOMS_H_
