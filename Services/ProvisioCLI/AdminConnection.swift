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
        else { throw ExitError(message: "No admin API: pass --admin-url and --admin-key, set PROVISIO_ADMIN_URL/KEY, or run `provisio up` here.") }
        return (url.hasSuffix("/") ? String(url.dropLast()) : url, key)
    }

    /// Calls the admin API; a non-2xx answer becomes an error carrying the API's detail.
    func call(_ method: HTTPMethod, _ path: String, body: [String: Any]? = nil) async throws -> Data {
        let (url, key) = try connection()
        var request = HTTPClientRequest(url: url + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = Data(buffer: try await response.body.collect(upTo: 4 << 20))
        guard (200..<300).contains(response.status.code) else {
            let detail = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["detail"] as? String
            throw ExitError(message: "HTTP \(response.status.code): \(detail ?? String(decoding: data, as: UTF8.self))")
        }
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

/// `--tenant` and `--idp`, the IdP a credential command acts on.
struct IdPOptions: ParsableArguments {
    @Option(help: "Tenant id.") var tenant: String
    @Option(help: "Identity provider id.") var idp: String
    var path: String { "/tenants/\(tenant)/idps/\(idp)" }
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
