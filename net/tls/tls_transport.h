// TlsTransport: a Transport decorator that puts TLS (TlsStream) on every stream of
// an inner transport: Dial'd streams are TLS clients, accepted ones TLS servers.
// Datagrams pass through unprotected (the dispatcher binds UDP with TLS on only if
// kompact.net.tls.plaintext-udp says so).
//
// Thread-safety and lifetime: as transport.h; the inner transport is owned.
#ifndef KOMPACT_NET_TLS_TLS_TRANSPORT_H_
#define KOMPACT_NET_TLS_TLS_TRANSPORT_H_

#include <memory>
#include <string>

#include "net/tls/tls_context.h"
#include "net/transport.h"

namespace kompact::net {

// See the file comment.
class TlsTransport final : public Transport {
 public:
  // `inner` wrapped with TLS from `context`.
  // `not_tls_reply`: bytes written in plaintext to a client that does not speak
  // TLS before its stream fails (the dispatcher passes a wire Error frame
  // TLS_REQUIRED); may be empty.
  [[nodiscard]] static std::unique_ptr<Transport> Wrap(std::unique_ptr<Transport> inner,
                                                       std::shared_ptr<const TlsContext> context,
                                                       std::string not_tls_reply = {});
  ~TlsTransport() override;

  absl::StatusOr<Endpoint> Bind(const Endpoint& endpoint, bool udp) override {
    return inner_->Bind(endpoint, udp);
  }
  absl::Status Start(Callbacks callbacks) override;
  void Stop() override { inner_->Stop(); }
  void Wake() override { inner_->Wake(); }
  void Post(absl::AnyInvocable<void() &&> task) override { inner_->Post(std::move(task)); }
  bool IsNetworkThread() const override { return inner_->IsNetworkThread(); }
  std::optional<bool> DriveUntil(absl::FunctionRef<bool()> done, absl::Duration timeout) override {
    return inner_->DriveUntil(done, timeout);
  }
  absl::StatusOr<std::unique_ptr<Stream>> Dial(const Endpoint& remote, StreamHandler* handler) override;
  size_t SendDatagrams(std::span<const Datagram> datagrams,
                       absl::FunctionRef<void(size_t, const absl::Status&)> failed) override {
    return inner_->SendDatagrams(datagrams, failed);
  }

 private:
  TlsTransport(std::unique_ptr<Transport> inner, std::shared_ptr<const TlsContext> context,
               std::string not_tls_reply)
      : inner_(std::move(inner)), context_(std::move(context)), not_tls_reply_(std::move(not_tls_reply)) {}

  std::unique_ptr<Transport> inner_;
  std::shared_ptr<const TlsContext> context_;
  const std::string not_tls_reply_;
};

}  // namespace kompact::net

#endif  // KOMPACT_NET_TLS_TLS_TRANSPORT_H_
