import InternalAPI

/// A tenant API key's text, `pvk_<prefix>_<secret>`: a ``BearerToken`` (10-character public prefix, 32 random bytes of
/// secret, only its SHA-256 stored) under the scheme that keeps it apart from SCIM tokens.
struct ApiKeySecret: Sendable {
    let token: BearerToken

    static func generate() -> ApiKeySecret { ApiKeySecret(token: .generate()) }

    init(token: BearerToken) { self.token = token }

    /// Nil when `text` does not have an API key's shape.
    init?(parsing text: String) {
        guard let token = BearerToken(parsing: text, scheme: ApiKeyFormat.scheme) else { return nil }
        self.token = token
    }

    var text: String { "\(ApiKeyFormat.scheme)_\(token.prefix)_\(token.secret)" }
    var prefix: String { token.prefix }
    var secretHash: String { token.secretHash }
}
