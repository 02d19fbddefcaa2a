// A networked system in its own process, for tests that kill or restart a peer:
// an Echo registered at "echo" answers every std::string with "echo:" + it, to the
// sender's path. Writes its port to --port-file once "echo" is registered. On the
// message "quit" it writes "dead_letters=N" to --status-file and exits 0. It
// exits by itself (1) after --lifetime-s seconds (default 60). --bind ADDRESS
// (default 127.0.0.1) is the address it listens on.
//
//   echo_server --port 0 --port-file /tmp/p --status-file /tmp/s
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "net/network_dispatcher.h"
#include "runtime/component_definition.h"
#include "runtime/kompact_config.h"
#include "runtime/kompact_system.h"

namespace {

std::atomic<bool> quit{false};

class Echo : public kompact::ComponentDefinition<Echo> {
 public:
  kompact::HandlerResult ReceiveNetwork(kompact::NetMessage message) {
    absl::StatusOr<std::string> text = message.TryDeserialise<std::string>();
    if (!text.ok()) return kompact::HandlerResult::Benign(text.status());
    if (*text == "quit") {
      quit.store(true);
      return kompact::Handled::kOk;
    }
    message.sender().Tell(absl::StrCat("echo:", *text), *this);
    return kompact::Handled::kOk;
  }
};

bool WriteAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << text << "\n";
    if (!out.good()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string port_file, status_file, bind = "127.0.0.1";
  uint32_t port = 0;
  int64_t lifetime_s = 60;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--port-file") {
      port_file = value;
    } else if (flag == "--status-file") {
      status_file = value;
    } else if (flag == "--port") {
      if (!absl::SimpleAtoi(value, &port) || port > 65535) return 2;
    } else if (flag == "--bind") {
      bind = value;
    } else if (flag == "--lifetime-s") {
      if (!absl::SimpleAtoi(value, &lifetime_s)) return 2;
    }
  }
  kompact::net::NetworkConfig net;
  net.port = static_cast<uint16_t>(port);
  net.bind_address = bind;
  net.heartbeat_interval = absl::Milliseconds(50);
  net.heartbeat_timeout = absl::Milliseconds(500);
  absl::StatusOr<kompact::KompactSystem> system =
      kompact::KompactConfig()
          .Label("echo-server")
          .SetDispatcher(kompact::net::NetworkDispatcher::Factory(net))
          .Build();
  if (!system.ok()) {
    std::cerr << "echo_server: " << system.status() << std::endl;
    return 1;
  }
  kompact::Component<Echo> echo = system->Create<Echo>();
  system->Start(echo);
  if (!system->RegisterByAlias(echo, "echo").WaitFor(absl::Seconds(10)).ok()) return 1;
  if (!port_file.empty() && !WriteAtomically(port_file, absl::StrCat(system->SystemPath().port()))) return 1;
  const absl::Time deadline = absl::Now() + absl::Seconds(lifetime_s);
  while (!quit.load() && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  if (!status_file.empty())
    WriteAtomically(status_file, absl::StrCat("dead_letters=", system->dead_letters()));
  echo = kompact::Component<Echo>();
  (void)system->Shutdown();
  return quit.load() ? 0 : 1;
}
