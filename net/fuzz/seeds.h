// Valid seed inputs for the network fuzz targets (fuzz_targets.h): Hello / HelloAck
// / Data-with-path-definitions / Heartbeat / Bye / Error frames and streams, and
// path texts. make_seeds_main.cc writes them to net/fuzz/corpus/<target>/ (then
// minimised with libFuzzer's -merge=1, see README.md); fuzz_targets_test runs them
// and mutations of them.
//
// Thread-safety: pure functions. Lifetime: values.
#ifndef KOMPACT_NET_FUZZ_SEEDS_H_
#define KOMPACT_NET_FUZZ_SEEDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "net/fuzz/fuzz_targets.h"

namespace kompact::net_fuzz {

// One seed: a file name (without directory) and its bytes.
struct Seed {
  std::string name;            // e.g. "acceptor-hello-data-bye"
  std::vector<uint8_t> bytes;  // the input
};

// At most 30 seeds for `target`, each valid for its decoder (frames that decode,
// streams that complete a handshake unless named otherwise, texts that parse).
std::vector<Seed> Seeds(Target target);

// The bytes of a peer that completes the handshake with a connection of `role`
// (acceptor: the dialler's Hello first; dialler: the acceptor's HelloAck first), sends
// `data_frames` Data frames (the first defining path ids, the rest using them), a
// Heartbeat and a Bye. For the connection target's tests.
std::vector<uint8_t> PeerStream(bool acceptor, int data_frames);

}  // namespace kompact::net_fuzz

#endif  // KOMPACT_NET_FUZZ_SEEDS_H_
