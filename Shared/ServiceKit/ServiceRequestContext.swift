import Hummingbird
import Logging
import NIOCore

/// The request context of every Provisio service: Hummingbird's core storage plus what the middleware
/// chain learns about the caller.
package struct ServiceRequestContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// The request id: the caller's `X-Request-Id` when it sent a well-formed one, otherwise a new one.
    package var requestID: String = ""
    /// The connection the request arrived on.
    private let channel: any Channel

    package init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The IP address of the connection's peer (nil in router tests): the source the gateway counts failed
    /// authentications of. Read when asked, not for every request: formatting it costs on every request, and only the
    /// gateway's failed-authentication count needs it.
    package var remoteAddress: String? { channel.remoteAddress?.ipAddress }

    /// SCIM bodies are small; bulk requests have their own limit. 4 MiB bounds every request.
    package var maxUploadSize: Int { 4 * 1024 * 1024 }
}
