import Foundation
import Hummingbird
import InternalAPI
import Logging
import ScimCore
import ServiceKit

/// Internal API of tenant API keys: create (the key is in this one answer), list (metadata only), revoke, verify.
/// Stored like bearer tokens: the prefix in clear, the SHA-256 of the secret, compared in constant time. Creation and
/// revocation are token events, forwarded to the tenant's activity log; logs carry the prefix, never the key.
struct ApiKeyController<Store: TokenStore> {
    let store: Store
    let clock: any TokenClock
    let settings: TokenSettings
    let activity: any ActivitySink

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("tenants/:tenant/api-keys", use: create)
        group.get("tenants/:tenant/api-keys", use: list)
        group.delete("tenants/:tenant/api-keys/:key", use: revoke)
        group.post("api-keys/verify", use: verify)
    }

    /// 201 with ``IssuedApiKey``; 400 for a bad name or role, 409 when the tenant holds `maxApiKeys` keys already.
    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let (name, role) = try await JSONCoding.decode(ApiKeyCreateRequest.self, from: request, context: context).validated()
        let now = clock.now()
        let secret = ApiKeySecret.generate()
        let metadata = ApiKeyMetadata(
            id: UUID().uuidString.lowercased(),
            name: name,
            role: role,
            prefix: secret.prefix,
            createdAt: now,
            lastUsedAt: nil
        )
        let event = event(tenantID, metadata, "api-key.created", at: now, detail: "prefix=\(metadata.prefix) role=\(role.rawValue)")
        let record = ApiKeyRecord(tenantID: tenantID, metadata: metadata, secretHash: secret.secretHash, revokedAt: nil)
        guard try await store.insertApiKey(record, limit: settings.maxApiKeys, event: event) else {
            throw ScimError.uniqueness(
                "This tenant already has \(settings.maxApiKeys) API keys, the most allowed; revoke one before creating another."
            )
        }
        context.logger.info(
            "API key created",
            metadata: ["tenant.id": "\(tenantID)", "apikey.id": "\(metadata.id)", "apikey.prefix": "\(metadata.prefix)", "apikey.role": "\(role)"]
        )
        await activity.forward(event, logger: context.logger)
        return JSONCoding.response(IssuedApiKey(key: secret.text, metadata: metadata), status: .created)
    }

    /// The tenant's unrevoked keys, oldest first: metadata only.
    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONCoding.response(try await store.apiKeys(tenantID: try context.parameters.require("tenant")).map(\.metadata))
    }

    /// 204; revoking a revoked key changes nothing. 404 for a key of another tenant or none.
    @Sendable func revoke(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let id = try context.parameters.require("key")
        guard let key = try await store.apiKey(id: id), key.tenantID == tenantID else {
            throw ScimError.notFound("API key '\(id)' not found in tenant '\(tenantID)'.")
        }
        let now = clock.now()
        let event = event(tenantID, key.metadata, "api-key.revoked", at: now, detail: "prefix=\(key.metadata.prefix)")
        if try await store.revokeApiKey(id: id, at: now, event: event) {
            context.logger.info(
                "API key revoked",
                metadata: ["tenant.id": "\(tenantID)", "apikey.id": "\(id)", "apikey.prefix": "\(key.metadata.prefix)"]
            )
            await activity.forward(event, logger: context.logger)
        }
        return Response(status: .noContent)
    }

    /// 200 ``ApiKeyVerification`` or 401. The detail says "revoked" only to a key whose secret matched, so a guess
    /// learns nothing; the last use is noted at most once a minute.
    @Sendable func verify(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await JSONCoding.decode(ApiKeyVerifyRequest.self, from: request, context: context)
        let invalid = ScimError.unauthorized("The API key is not valid.")
        guard let presented = ApiKeySecret(parsing: body.key) else { throw invalid }
        guard let record = try await store.apiKey(prefix: presented.prefix), ConstantTime.equals(presented.secretHash, record.secretHash) else {
            throw invalid
        }
        guard record.revokedAt == nil else { throw ScimError.unauthorized("The API key has been revoked.") }
        let now = clock.now()
        try await store.markApiKeyUsed(id: record.metadata.id, at: now)
        return JSONCoding.response(ApiKeyVerification(tenantID: record.tenantID, keyID: record.metadata.id, role: record.metadata.role))
    }

    private func event(_ tenantID: String, _ key: ApiKeyMetadata, _ action: String, at date: Date, detail: String) -> TokenEvent {
        TokenEvent(tenantID: tenantID, idpID: "", subjectID: key.id, action: action, actor: "admin", occurredAt: date, detail: detail)
    }
}
