#include "net/network_dispatcher.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/status.h"
#include "net/frame.h"
#include "net/network_status_provider.h"
#include "net/proto/wire.pb.h"
#include "net/tcp_transport.h"
#include "net/tls/tls_context.h"
#include "net/tls/tls_transport.h"

namespace kompact::net {

absl::StatusOr<std::unique_ptr<NetworkDispatcher>> NetworkDispatcher::Create(
    const DispatcherContext& context, std::optional<NetworkConfig> given, TransportFactory make_transport) {
  NetworkConfig config;
  if (given.has_value()) {
    config = *std::move(given);
    KOMPACT_RETURN_IF_ERROR(config.Validate());
  } else {
    KOMPACT_ASSIGN_OR_RETURN(config, NetworkConfig::FromConfig(context.config()));
  }
  KOMPACT_ASSIGN_OR_RETURN(IpAddress bind_ip, config.BindIp());
  KOMPACT_ASSIGN_OR_RETURN(IpAddress advertised_ip, config.AdvertisedIp());
  KOMPACT_ASSIGN_OR_RETURN(BufferPool pool, BufferPool::Create(config.buffers));

  std::unique_ptr<Transport> transport;
  if (make_transport) {
    KOMPACT_ASSIGN_OR_RETURN(transport, make_transport(context, config));
  } else {
    TcpTransport::Options options;
    options.tcp_nodelay = config.tcp_nodelay;
    options.spin_before_block = config.spin_before_block;
    options.logger = context.logger();
    KOMPACT_ASSIGN_OR_RETURN(transport, TcpTransport::Create(options));
  }
  const bool udp = !config.tls.enabled || config.tls.plaintext_udp;
  if (config.tls.enabled) {
    // Before Bind: a bad certificate, key or CA bundle fails Create, naming the key.
    absl::StatusOr<std::shared_ptr<const TlsContext>> tls = TlsContext::Create(config.tls, context.logger());
    if (!tls.ok()) return Annotate(tls.status(), "kompact.net.tls: cannot set up TLS");
    wire::Error error;
    error.set_code(wire::TLS_REQUIRED);
    error.set_reason("this system speaks TLS only (kompact.net.tls.enabled)");
    error.set_protocol_version(kProtocolVersion);
    std::vector<uint8_t> frame;
    AppendControlFrame(FrameType::kError, error, frame);
    transport =
        TlsTransport::Wrap(std::move(transport), *std::move(tls), std::string(frame.begin(), frame.end()));
    KLOG(context.logger(), INFO) << "kompact.net.tls: TLS " << config.tls.min_version
                                 << "+ with mutual authentication; UDP "
                                 << (udp ? "bound in plaintext (kompact.net.tls.plaintext-udp)"
                                         : "not bound");
  }
  absl::StatusOr<Endpoint> bound = transport->Bind(Endpoint{bind_ip, config.port}, udp);
  if (!bound.ok()) {
    return Annotate(bound.status(),
                    absl::StrCat("kompact.net: cannot bind ", Endpoint{bind_ip, config.port}.ToString()));
  }
  const SystemPath system_path(config.transport, advertised_ip,
                               config.advertised_port != 0 ? config.advertised_port : bound->port);

  KOMPACT_ASSIGN_OR_RETURN(std::unique_ptr<PathRegistry> registry,
                           PathRegistry::Create(context, system_path));
  std::unique_ptr<NetworkDispatcher> d(new NetworkDispatcher(config, std::move(registry)));
  d->bound_port_ = bound->port;
  d->core_ = std::make_unique<NetworkCore>(context, d->config_, d->registry(), std::move(transport),
                                           system_path, std::move(pool));
  KOMPACT_RETURN_IF_ERROR(d->core_->Start());
  KLOG(context.logger(), INFO) << "network dispatcher listening on " << bound->ToString() << " as "
                               << system_path;
  return d;
}

DispatcherFactory NetworkDispatcher::Factory(std::optional<NetworkConfig> config,
                                             TransportFactory transport) {
  return [config = std::move(config), transport = std::move(transport)](
             const DispatcherContext& context) mutable -> absl::StatusOr<std::unique_ptr<Dispatcher>> {
    KOMPACT_ASSIGN_OR_RETURN(std::unique_ptr<NetworkDispatcher> d,
                             Create(context, std::move(config), std::move(transport)));
    return std::unique_ptr<Dispatcher>(std::move(d));
  };
}

NetworkDispatcher::~NetworkDispatcher() {
  if (core_) core_->Shutdown();
}

void NetworkDispatcher::Deliver(NetMessage&& message) {
  if (core_->IsLocal(message.receiver().system())) {
    registry().DeliverLocally(std::move(message));
    return;
  }
  core_->Send(std::move(message));
}

void NetworkDispatcher::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(provider_mu_);
    shut_down_ = true;
    provider_.reset();
  }
  core_->Shutdown();
  registry().Shutdown();
}

NetworkDispatcher* NetworkDispatcher::Of(const KompactSystem& system) {
  return dynamic_cast<NetworkDispatcher*>(system.dispatcher());
}

absl::StatusOr<std::shared_ptr<const PeerIdentity>> SenderIdentity(const KompactSystem& system,
                                                                   const NetMessage& message) {
  NetworkDispatcher* network = NetworkDispatcher::Of(system);
  if (network == nullptr) {
    return absl::FailedPreconditionError("SenderIdentity: the system has no NetworkDispatcher");
  }
  if (!network->config().tls.enabled) {
    return absl::FailedPreconditionError(
        absl::StrCat("SenderIdentity: ", network->system_path().ToString(),
                     " does not speak TLS (kompact.net.tls.enabled is false)"));
  }
  if (!message.session().has_value()) {
    return absl::NotFoundError(absl::StrCat("SenderIdentity: the message for ", message.receiver().ToString(),
                                            " did not come over the network"));
  }
  std::shared_ptr<const PeerIdentity> identity = network->SessionIdentity(*message.session());
  if (identity == nullptr) {
    return absl::NotFoundError(absl::StrCat("SenderIdentity: session ", *message.session(),
                                            " is not a TLS session this system knows (closed long ago?)"));
  }
  return identity;
}

absl::StatusOr<AnyComponent> NetworkDispatcher::StatusProvider(const KompactSystem& system) {
  if (system.dispatcher() != this) {
    return absl::InvalidArgumentError(
        "NetworkDispatcher::StatusProvider: the system is not this dispatcher's");
  }
  std::lock_guard<std::mutex> lock(provider_mu_);
  if (shut_down_) {
    return absl::FailedPreconditionError("the network status port is gone: the system is shutting down");
  }
  if (!provider_.has_value()) {
    Component<NetworkStatusProvider> provider = system.Create<NetworkStatusProvider>(core_.get());
    system.Start(provider);
    provider_ = provider;
  }
  return *provider_;
}

}  // namespace kompact::net
