// ThreadSanitizer reads these default suppressions at start-up (when the binary is
// built with -fsanitize=thread; otherwise the function is simply unused).
//
// tzset_internal: glog formats local time from several threads; glibc's lazy tzset
// is a benign race that TSAN reports (see ../shared/reference/bazel-offline README).
extern "C" const char* __tsan_default_suppressions() { return "race:tzset_internal\n"; }
