import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// `--admin-url`/`--admin-key`, falling back to `PROVISIO_ADMIN_URL`/`PROVISIO_ADMIN_KEY`, then to
/// `./.provisio/demo.json`; `--json` prints the API's answer as is, for scripts.
struct AdminOptions: ParsableArguments {
    @Option(help: "Admin API base, e.g. http://127.0.0.1:8080/admin/v1 (env PROVISIO_ADMIN_URL, then ./.provisio/demo.json).")
    var adminURL: String?

    @Option(help: "Admin key (env PROVISIO_ADMIN_KEY, then ./.provisio/demo.json).")
    var adminKey: String?

    @Flag(help: "Print the JSON answer.")
    var json = false

    func connection() throws -> (url: String, key: String) {
        let environment = ProcessInfo.processInfo.environment
        let demo = (try? Data(contentsOf: URL(fileURLWithPath: ".provisio/\(DemoCredentials.fileName)")))
            .flatMap { try? JSONDecoder().decode(DemoCredentials.self, from: $0) }
        guard let url = adminURL ?? environment["PROVISIO_ADMIN_URL"] ?? demo?.adminURL,
            let key = adminKey ?? environment["PROVISIO_ADMIN_KEY"] ?? demo?.adminKey
        else {
            throw CommandFailure.usage("No admin API: pass --admin-url and --admin-key, set PROVISIO_ADMIN_URL/KEY, or run `provisio up` here.")
        }
        guard let parsed = URL(string: url), parsed.scheme.map({ ["http", "https"].contains($0.lowercased()) }) == true,
            parsed.host?.isEmpty == false
        else {
            throw CommandFailure.usage("The admin URL must be http(s)://host[:port]/admin/v1; got \(url).")
        }
        return (url.hasSuffix("/") ? String(url.dropLast()) : url, key)
    }

    /// Calls the admin API, or with `api: .application` the application API beside it; a non-2xx answer or no
    /// answer becomes a ``CommandFailure`` carrying the API's detail and the exit status for it.
    func call(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil, api: AdminAPI = .admin) async throws -> Data {
        let (adminBase, key) = try connection()
        let base = try api.base(adminURL: adminBase)
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let status: Int
        let data: Data
        do {
            let response = try await AdminHTTP.client.execute(request, timeout: .seconds(30))
            status = Int(response.status.code)
            data = Data(buffer: try await response.body.collect(upTo: 4 << 20))
        } catch {
            throw CommandFailure(exitCode: ExitStatus.unavailable, message: "No answer from \(base): \(error)")
        }
        guard (200..<300).contains(status) else { throw CommandFailure.api(status: status, body: data) }
        return data
    }

    /// Prints the answer: JSON with `--json`, otherwise `summary` of the decoded object.
    func print(_ data: Data, _ summary: (Any) -> String) {
        if json {
            Console.write(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            Console.write(summary((try? JSONSerialization.jsonObject(with: data)) ?? [:]) + "\n")
        }
    }
}

/// The admin commands' HTTP client: a refused connection fails at once (`HTTPClient.shared` retries connecting until
/// the request's deadline: 30 s of silence before a script learns that nothing listens).
enum AdminHTTP {
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}

/// The API a command talks to: the admin API (`…/admin/v1`) or the application API (`…/api/v1`, webhooks) on the
/// same gateway, found from the admin URL.
enum AdminAPI {
    case admin
    case application

    func base(adminURL: String) throws -> String {
        switch self {
        case .admin: return adminURL
        case .application:
            guard adminURL.hasSuffix("/admin/v1") else {
                throw CommandFailure.usage("The application API is found from an admin URL ending in /admin/v1; got \(adminURL).")
            }
            return String(adminURL.dropLast("/admin/v1".count)) + "/api/v1"
        }
    }
}

/// `--tenant` and `--idp`, the IdP a credential command acts on.
struct IdPOptions: ParsableArguments {
    @Option(help: "Tenant id.") var tenant: String
    @Option(help: "Identity provider id.") var idp: String
    var path: String { "/tenants/\(PathSegment.encode(tenant))/idps/\(PathSegment.encode(idp))" }
}

enum Describe {
    static func token(_ value: Any) -> String {
        guard let token = value as? [String: Any] else { return "" }
        let state = (token["revokedAt"] as? String).map { "revoked \($0)" } ?? "active"
        return
            "\(token["id"] ?? "")  pvs_\(token["prefix"] ?? "")…  created \(token["createdAt"] ?? "")  expires \(token["expiresAt"] ?? "never")  last used \(token["lastUsedAt"] ?? "never")  \(state)"
    }

    static func client(_ value: Any) -> String {
        guard let client = value as? [String: Any] else { return "" }
        let state = (client["revokedAt"] as? String).map { "revoked \($0)" } ?? "active"
        return "\(client["clientID"] ?? "")  created \(client["createdAt"] ?? "")  secret rotated \(client["secretRotatedAt"] ?? "never")  \(state)"
    }
}
