import Foundation

/// What a webhook URL must be before anything resolves it: `http` or `https`, a host, no user or password, at most
/// 2048 bytes. Where it resolves to is ``NetworkAddressPolicy``'s question.
package enum WebhookURLRule {
    package static let maximumLength = 2048

    /// The URL's host (brackets removed from an IPv6 literal) and port, or why it is refused.
    package static func check(_ text: String) -> Result<(host: String, port: Int), Refusal> {
        guard !text.isEmpty, text.utf8.count <= maximumLength else { return .failure(.length) }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else { return .failure(.malformed) }
        guard scheme == "http" || scheme == "https" else { return .failure(.scheme) }
        guard components.user == nil, components.password == nil, !text.contains("@") else { return .failure(.userInfo) }
        guard var host = components.host, !host.isEmpty else { return .failure(.malformed) }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard host.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { return .failure(.malformed) }
        return .success((host, components.port ?? (scheme == "https" ? 443 : 80)))
    }

    package enum Refusal: Error, Equatable {
        case length, malformed, scheme, userInfo

        package var message: String {
            switch self {
            case .length: "The webhook url must be 1 to \(WebhookURLRule.maximumLength) characters."
            case .malformed: "The webhook url is not a valid absolute URL with a host."
            case .scheme: "The webhook url must use http or https."
            case .userInfo: "The webhook url must not carry a user name or password (or an '@')."
            }
        }
    }
}
