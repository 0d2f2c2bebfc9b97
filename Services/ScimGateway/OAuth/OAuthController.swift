import Foundation
import Hummingbird
import InternalAPI
import Logging
import NIOCore
import ScimCore
import ServiceClients
import ServiceKit

/// The public OAuth 2.0 face of a tenant: `POST /oauth/v2/{tenant}/token` (client-credentials grant,
/// RFC 6749 §4.4) and `GET /oauth/v2/{tenant}/jwks.json`. The gateway checks the protocol and answers errors as
/// RFC 6749 §5.2; the token service authenticates the client and signs the token. Request bodies are never
/// logged (they carry the client secret).
struct OAuthController {
    let tokens: any TokenClient
    let limiter: AuthFailureLimiter

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.post("token", use: token)
        group.get("jwks.json", use: jwks)
    }

    /// RFC 6749 §5.2 error answer. `invalid_client` after Basic authentication is 401 with `WWW-Authenticate: Basic`.
    static func error(_ code: String, _ description: String, status: HTTPResponse.Status = .badRequest, basic: Bool = false) -> Response {
        var headers: HTTPFields = [.contentType: "application/json;charset=UTF-8", .cacheControl: "no-store", .pragma: "no-cache"]
        if basic { headers[.wwwAuthenticate] = "Basic realm=\"provisio\", charset=\"UTF-8\"" }
        let body = JSONCoding.encode(["error": code, "error_description": description])
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    @Sendable func token(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let tenantID = try context.parameters.require("tenant")
        let source = context.authenticationSource
        if let retryAfter = limiter.retryAfter(source: source) {
            var response = Self.error(
                "invalid_request",
                "Too many failed client authentications; retry after \(retryAfter) seconds.",
                status: .tooManyRequests
            )
            response.headers[.retryAfter] = String(retryAfter)
            return response
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            return Self.error("invalid_request", "The token request must be application/x-www-form-urlencoded.")
        }
        let fields: [String: String]
        do {
            fields = try FormBody.parse(try await JSONCoding.body(of: request, context: context))
        } catch FormBody.Failure.repeated(let name) {
            return Self.error("invalid_request", "The parameter '\(name)' appears more than once.")
        } catch {
            return Self.error("invalid_request", "The request body is not valid form data.")
        }
        let basic = BasicCredentials.from(header: request.headers[.authorization])
        let usedBasic = basic != nil
        guard let grantType = fields["grant_type"], !grantType.isEmpty else {
            return Self.error("invalid_request", "The grant_type parameter is missing.")
        }
        guard grantType == "client_credentials" else {
            return Self.error("unsupported_grant_type", "Only the client_credentials grant is supported.")
        }
        let clientID: String
        let clientSecret: String
        switch basic {
        case .success(let credentials)?:
            guard fields["client_secret"] == nil else {
                return Self.error("invalid_request", "Use one client authentication method: HTTP Basic or the request body, not both.")
            }
            if let bodyID = fields["client_id"], bodyID != credentials.id {
                return Self.error("invalid_request", "client_id in the body differs from the one in the Authorization header.")
            }
            (clientID, clientSecret) = credentials
        case .failure?:
            limiter.recordFailure(source: source)
            return Self.error("invalid_client", "The Authorization header is not valid HTTP Basic.", status: .unauthorized, basic: true)
        case nil:
            guard let id = fields["client_id"], let secret = fields["client_secret"], !id.isEmpty, !secret.isEmpty else {
                return Self.error(
                    "invalid_client",
                    "Client authentication is required (HTTP Basic, or client_id and client_secret in the body).",
                    status: .unauthorized,
                    basic: true
                )
            }
            (clientID, clientSecret) = (id, secret)
        }
        do {
            let issued = try await tokens.grant(
                tenantID: tenantID,
                ClientCredentialsGrant(clientID: clientID, clientSecret: clientSecret, scope: fields["scope"]),
                logger: context.logger
            )
            return JSONCoding.response(issued, headers: [.cacheControl: "no-store", .pragma: "no-cache"])
        } catch let error as ScimError where error.status == 401 {
            limiter.recordFailure(source: source)
            context.logger.notice("OAuth client authentication failed", metadata: ["tenant.id": "\(tenantID)"])
            return Self.error("invalid_client", "Client authentication failed.", status: usedBasic ? .unauthorized : .badRequest, basic: usedBasic)
        } catch let error as ScimError where error.status == 400 {
            return Self.error("invalid_scope", error.detail)
        }
    }

    /// The public signing keys (service-wide, the same for every tenant); cacheable for five minutes.
    @Sendable func jwks(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        JSONCoding.response(try await tokens.jwks(logger: context.logger), headers: [.cacheControl: "public, max-age=300"])
    }
}
