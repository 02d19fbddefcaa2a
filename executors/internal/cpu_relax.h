// A spin-wait hint for busy loops (x86 `pause`; nothing elsewhere).
//
// Thread-safety: stateless.
#ifndef KOMPACT_EXECUTORS_INTERNAL_CPU_RELAX_H_
#define KOMPACT_EXECUTORS_INTERNAL_CPU_RELAX_H_

namespace kompact::executors_internal {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

}  // namespace kompact::executors_internal

#endif  // KOMPACT_EXECUTORS_INTERNAL_CPU_RELAX_H_
