// TlsTransport: see tls_transport.h.
#include "net/tls/tls_transport.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "net/tls/tls_stream.h"

namespace kompact::net {

std::unique_ptr<Transport> TlsTransport::Wrap(std::unique_ptr<Transport> inner,
                                              std::shared_ptr<const TlsContext> context,
                                              std::string not_tls_reply) {
  return std::unique_ptr<Transport>(
      new TlsTransport(std::move(inner), std::move(context), std::move(not_tls_reply)));
}

TlsTransport::~TlsTransport() { inner_->Stop(); }

absl::Status TlsTransport::Start(Callbacks callbacks) {
  auto on_accept = std::move(callbacks.on_accept);
  callbacks.on_accept = [this, on_accept = std::move(on_accept)](std::unique_ptr<Stream> stream) mutable {
    const Endpoint remote = stream->remote();
    absl::StatusOr<std::unique_ptr<TlsStream>> tls =
        TlsStream::Accept(context_, std::move(stream), not_tls_reply_);
    if (!tls.ok()) {
      // Only OpenSSL running out of memory gets here; the stream is closed.
      KLOG(context_->logger(), ERROR)
          << "cannot start TLS with " << remote.ToString() << ": " << tls.status();
      return;
    }
    on_accept(std::unique_ptr<Stream>(*std::move(tls)));
  };
  return inner_->Start(std::move(callbacks));
}

absl::StatusOr<std::unique_ptr<Stream>> TlsTransport::Dial(const Endpoint& remote, StreamHandler* handler) {
  absl::StatusOr<std::unique_ptr<TlsStream>> tls = TlsStream::Dial(*inner_, context_, remote, handler);
  if (!tls.ok()) return tls.status();
  return std::unique_ptr<Stream>(*std::move(tls));
}

}  // namespace kompact::net
