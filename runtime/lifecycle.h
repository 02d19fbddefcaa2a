// Component lifecycle states and the control events that move between them
// (FEATURES.md C6).
//
//   Passive --Start--> Active --Stop--> Passive
//   Passive/Active --Kill or Handled::kShutdown--> Destroyed
//   any handler fault (recoverable) --> Faulty   (recovery runs on the supervisor)
//
// A component that is blocked on a task (BlockOn) stays in its state but handles
// nothing else until the task completes.
#ifndef KOMPACT_RUNTIME_LIFECYCLE_H_
#define KOMPACT_RUNTIME_LIFECYCLE_H_

#include <cstdint>
#include <ostream>
#include <string_view>

namespace kompact {

// The state of a component (see the diagram above).
enum class LifecycleState : uint8_t { kPassive = 0, kActive = 1, kDestroyed = 2, kFaulty = 3 };

// The state's name: "Passive", "Active", "Destroyed" or "Faulty".
std::string_view LifecycleStateName(LifecycleState state);
// Writes LifecycleStateName(s).
inline std::ostream& operator<<(std::ostream& os, LifecycleState s) { return os << LifecycleStateName(s); }

// A lifecycle control event (KompactSystem::Start, Stop and Kill send them).
enum class ControlEvent : uint8_t { kStart, kStop, kKill };

// The event's name: "Start", "Stop" or "Kill".
std::string_view ControlEventName(ControlEvent event);
// Writes ControlEventName(e).
inline std::ostream& operator<<(std::ostream& os, ControlEvent e) { return os << ControlEventName(e); }

}  // namespace kompact

#endif  // KOMPACT_RUNTIME_LIFECYCLE_H_
