import Foundation
import Hummingbird
import InternalAPI
import Logging
import ServiceKit

/// Internal API of the JWT signing keys: the public JWKS, key metadata and rotation. Private keys never leave.
struct SigningKeyController<Store: TokenStore> {
    let keys: SigningKeyRing<Store>

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("jwks", use: jwks)
        group.get("signing-keys", use: list)
        group.post("signing-keys/rotate", use: rotate)
    }

    @Sendable func jwks(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONCoding.response(JWKSet(keys: try await keys.current().published))
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONCoding.response(try await keys.metadata())
    }

    @Sendable func rotate(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let record = try await keys.rotate(actor: "admin")
        context.logger.notice("Signing key rotated", metadata: ["kid": "\(record.kid)"])
        return JSONCoding.response(try await keys.metadata(), status: .created)
    }
}
