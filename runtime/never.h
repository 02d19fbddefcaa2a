// Never: the type of a value that cannot exist (Kompact's `Never`), for port
// directions and actor message types that carry nothing. It cannot be constructed,
// so a handler for it can never be called and need not be written.
#ifndef KOMPACT_RUNTIME_NEVER_H_
#define KOMPACT_RUNTIME_NEVER_H_

namespace kompact {

// The empty type: `Requests<Never>`, `Indications<Never>` or `Actor<Never>` declare a
// direction or mailbox that carries nothing (see the file comment).
struct Never {
  Never() = delete;
  Never(const Never&) = default;  // only so that containers of "nothing" type-check
};

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_NEVER_H_
