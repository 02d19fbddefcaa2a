// SystemPath, Transport and IpAddress: parsing, printing, hashing, the serialiser.
#include "runtime/system_path.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/absl_compat.h"

namespace kompact {
namespace {

absl::StatusOr<Transport> ParseTransport(std::string_view name) {
  if (name == "local") return Transport::kLocal;
  if (name == "tcp") return Transport::kTcp;
  if (name == "udp") return Transport::kUdp;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown transport \"", AsAbsl(name), "\" (expected local, tcp or udp)"));
}

}  // namespace

namespace runtime_internal {

absl::StatusOr<SystemPath> ParseSystemPrefix(std::string_view text, std::string_view& rest) {
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return PathError(text, "missing \"://\" after the transport (e.g. tcp://1.2.3.4:8080)");
  }
  absl::StatusOr<Transport> transport = ParseTransport(text.substr(0, scheme_end));
  if (!transport.ok()) return PathError(text, AsStd(transport.status().message()));
  std::string_view authority = text.substr(scheme_end + 3);
  std::string_view host;
  std::string_view after_host;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return PathError(text, "IPv6 address without closing ']'");
    host = authority.substr(1, close - 1);
    after_host = authority.substr(close + 1);
    if (after_host.empty() || after_host.front() != ':') {
      return PathError(text, "missing ':<port>' after the address");
    }
    after_host.remove_prefix(1);
  } else {
    const size_t end = authority.find_first_of("/#");
    const std::string_view host_port = authority.substr(0, end);
    const size_t colon = host_port.rfind(':');
    if (colon == std::string_view::npos) return PathError(text, "missing ':<port>' after the address");
    host = host_port.substr(0, colon);
    if (host.find(':') != std::string_view::npos) {
      return PathError(text, "an IPv6 address must be written in brackets, e.g. tcp://[::1]:8080");
    }
    after_host = authority.substr(colon + 1);
  }
  if (host.empty()) return PathError(text, "missing address");
  absl::StatusOr<IpAddress> address = IpAddress::Parse(host);
  if (!address.ok()) return PathError(text, AsStd(address.status().message()));
  const size_t port_end = std::min(after_host.find_first_of("/#"), after_host.size());
  const std::string_view port_text = after_host.substr(0, port_end);
  if (port_text.empty() || port_text.size() > 5) {
    return PathError(text, absl::StrCat("port \"", AsAbsl(port_text), "\" is not a number from 0 to 65535"));
  }
  uint32_t port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9') {
      return PathError(text,
                       absl::StrCat("port \"", AsAbsl(port_text), "\" is not a number from 0 to 65535"));
    }
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port > 65535) {
    return PathError(text, absl::StrCat("port ", port, " is out of range (0 to 65535)"));
  }
  // One spelling per port, so that a parsed path prints back as it was written.
  if (port_text.size() > 1 && port_text[0] == '0') {
    return PathError(text,
                     absl::StrCat("port \"", AsAbsl(port_text), "\" has a leading zero (write ", port, ")"));
  }
  rest = after_host.substr(port_end);
  return SystemPath(*transport, *address, static_cast<uint16_t>(port));
}

absl::Status PathError(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("invalid actor path \"", AsAbsl(text), "\": ", AsAbsl(why)));
}

}  // namespace runtime_internal

using runtime_internal::ParseSystemPrefix;
using runtime_internal::PathError;

// ---- Transport and IpAddress -----------------------------------------------------------------

std::string_view TransportName(Transport transport) {
  switch (transport) {
    case Transport::kLocal:
      return "local";
    case Transport::kTcp:
      return "tcp";
    case Transport::kUdp:
      return "udp";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, Transport transport) { return os << TransportName(transport); }

IpAddress IpAddress::V6(const std::array<uint8_t, 16>& bytes) {
  IpAddress ip;
  ip.bytes_ = bytes;
  ip.family_ = Family::kV6;
  return ip;
}

absl::StatusOr<IpAddress> IpAddress::Parse(std::string_view text) {
  // inet_pton needs a terminated string; addresses are short.
  char buffer[64];
  if (text.size() >= sizeof(buffer)) {
    return absl::InvalidArgumentError(absl::StrCat("address \"", AsAbsl(text), "\" is too long"));
  }
  // An empty view may hold a null data(); memcpy must never see it (UBSan, fuzz found).
  if (!text.empty()) std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  std::array<uint8_t, 16> bytes{};
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buffer, bytes.data()) == 1) return V4(bytes[0], bytes[1], bytes[2], bytes[3]);
    return absl::InvalidArgumentError(absl::StrCat(
        "address \"", AsAbsl(text), "\" is not an IPv4 address (dotted decimal, e.g. 10.0.0.1)"));
  }
  if (inet_pton(AF_INET6, buffer, bytes.data()) == 1) return V6(bytes);
  return absl::InvalidArgumentError(absl::StrCat("address \"", AsAbsl(text), "\" is not an IPv6 address"));
}

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN];
  const char* out = inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buffer, sizeof(buffer));
  return out != nullptr ? std::string(out) : std::string("<bad address>");
}

// ---- SystemPath --------------------------------------------------------------------------------

absl::StatusOr<SystemPath> SystemPath::Parse(std::string_view text) {
  std::string_view rest;
  absl::StatusOr<SystemPath> system = ParseSystemPrefix(text, rest);
  if (!system.ok()) return system.status();
  if (!rest.empty()) {
    return PathError(text, absl::StrCat("unexpected \"", AsAbsl(rest), "\" after the port of a system path"));
  }
  return system;
}

void SystemPath::AppendTo(std::string& out) const {
  absl::StrAppend(&out, AsAbsl(TransportName(transport())), "://");
  const IpAddress address = this->address();
  if (address.is_v4()) {
    absl::StrAppend(&out, address.ToString());
  } else {
    absl::StrAppend(&out, "[", address.ToString(), "]");
  }
  absl::StrAppend(&out, ":", port());
}

std::string SystemPath::ToString() const {
  std::string out;
  AppendTo(out);
  return out;
}

IpAddress SystemPath::address() const {
  std::array<uint8_t, 16> bytes{};
  for (int i = 0; i < 8; ++i) {
    bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(address_[0] >> (8 * i));
    bytes[static_cast<size_t>(8 + i)] = static_cast<uint8_t>(address_[1] >> (8 * i));
  }
  if (static_cast<IpAddress::Family>((meta_ >> 24) & 0xFF) == IpAddress::Family::kV4) {
    return IpAddress::V4(bytes[0], bytes[1], bytes[2], bytes[3]);
  }
  return IpAddress::V6(bytes);
}

std::strong_ordering operator<=>(const SystemPath& a, const SystemPath& b) {
  if (auto c = a.transport() <=> b.transport(); c != 0) return c;
  if (auto c = a.address() <=> b.address(); c != 0) return c;
  return a.port() <=> b.port();
}

uint64_t SystemPath::StableHash() const {
  // Independent of the in-memory layout: transport, family, port, address bytes.
  const IpAddress address = this->address();
  uint64_t h = StableHashMix(static_cast<uint64_t>(transport()) << 40 |
                             static_cast<uint64_t>(address.family()) << 32 | port());
  const std::span<const uint8_t> b = address.bytes();
  return StableHashMix(h ^
                       StableHashBytes(std::string_view(reinterpret_cast<const char*>(b.data()), b.size())));
}

std::ostream& operator<<(std::ostream& os, const SystemPath& path) { return os << path.ToString(); }

// ---- serialiser ------------------------------------------------------------------------------

absl::Status DefaultSerialiser<SystemPath>::Serialise(const SystemPath& p, BufMut& buf) {
  buf.PutU8(static_cast<uint8_t>(p.transport()));
  buf.PutU8(static_cast<uint8_t>(p.address().family()));
  buf.PutBytes(p.address().bytes());
  buf.PutU16(p.port());
  return absl::OkStatus();
}

absl::StatusOr<SystemPath> DefaultSerialiser<SystemPath>::Deserialise(Buf& buf) {
  const uint8_t transport = buf.GetU8();
  const uint8_t family = buf.GetU8();
  if (!buf.ok()) return buf.status();
  if (transport > static_cast<uint8_t>(Transport::kUdp)) {
    return buf.Corrupt(absl::StrCat("SystemPath transport ", transport));
  }
  IpAddress address;
  if (family == 4) {
    std::array<uint8_t, 4> b{};
    buf.GetBytes(b);
    address = IpAddress::V4(b[0], b[1], b[2], b[3]);
  } else if (family == 6) {
    std::array<uint8_t, 16> b{};
    buf.GetBytes(b);
    address = IpAddress::V6(b);
  } else {
    return buf.Corrupt(absl::StrCat("SystemPath address family ", family));
  }
  const uint16_t port = buf.GetU16();
  if (!buf.ok()) return buf.status();
  return SystemPath(static_cast<Transport>(transport), address, port);
}

}  // namespace kompact
