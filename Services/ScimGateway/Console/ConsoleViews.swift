import Foundation
import HTTPTypes
import Hummingbird
import InternalAPI
import Mustache
import ServiceClients

/// The console's templates (`Console/Templates/*.mustache` in the resource bundle, parsed once at start-up) and how a
/// page is answered: the screen's template rendered with its view-model, inside `layout`, with `Cache-Control:
/// no-store` (the security headers come from ``ConsoleHeadersMiddleware``).
struct ConsoleViews: Sendable {
    let library: MustacheLibrary
    let assets: ConsoleAssets

    enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        case unparsable(String)
        var description: String {
            switch self {
            case .missing(let name): "The console template Console/Templates/\(name).mustache is missing from the gateway's resource bundle."
            case .unparsable(let name): "The console template \(name).mustache does not parse."
            }
        }
    }

    static let templateNames = [
        "layout", "login", "error", "tenants", "tenant", "idp", "idp-log", "idp-log-entry", "api-keys", "activity", "idp-setup", "idp-users",
        "idp-user", "idp-groups", "idp-group", "attributes", "idp-mapping",
        "idp-mapping-job", "webhooks", "webhook",
    ]

    static let bundled: Result<ConsoleViews, any Error> = {
        do {
            let assets = try ConsoleAssets.bundled.get()
            var library = MustacheLibrary()
            for name in templateNames {
                guard let url = Bundle.module.url(forResource: name, withExtension: "mustache", subdirectory: "Templates"),
                    let text = try? String(contentsOf: url, encoding: .utf8)
                else { throw LoadError.missing(name) }
                do { try library.register(text, named: name) } catch { throw LoadError.unparsable(name) }
            }
            return .success(ConsoleViews(library: library, assets: assets))
        } catch {
            return .failure(error)
        }
    }()

    /// The templates shipped in the resource bundle (a test checks each is in ``templateNames``).
    static func shippedTemplateNames() -> [String] {
        guard let layout = Bundle.module.url(forResource: "layout", withExtension: "mustache", subdirectory: "Templates"),
            let files = try? FileManager.default.contentsOfDirectory(atPath: layout.deletingLastPathComponent().path)
        else { return [] }
        return files.filter { $0.hasSuffix(".mustache") }.map { String($0.dropLast(".mustache".count)) }
    }

    func hasTemplate(named name: String) -> Bool { library.getTemplate(named: name) != nil }

    /// What every page's layout shows around the screen.
    struct Layout {
        var title: String
        var body: String
        var css: String
        var js: String
        var user: UserModel?
        var tenantNav: TenantNav?
        /// A page that follows work in progress reloads itself this often (no script needed).
        var refreshSeconds: Int?
    }

    struct UserModel {
        var label: String
        var csrf: String
        var isRoot: Bool
    }

    /// The tenant's sections: those built so far link, the others say "not yet".
    struct TenantNav {
        struct Item {
            var label: String
            var href: String?
            var current: Bool
        }
        var tenantID: String
        var items: [Item]

        init(tenantID: String, current: String) {
            self.tenantID = tenantID
            let base = "/console/tenants/\(tenantID)"
            let sections: [(String, String?)] = [
                ("Identity providers", base), ("Identity attributes", "\(base)/attributes"), ("Activity", "\(base)/activity"),
                ("API keys", "\(base)/api-keys"),
                ("Webhooks", "\(base)/webhooks"),
            ]
            items = sections.map { Item(label: $0.0, href: $0.1, current: $0.0 == current) }
        }
    }

    /// 200 (or `status`) with the page; `model` is the screen's view-model (a struct rendered by reflection).
    func page(
        _ template: String,
        title: String,
        model: Any,
        tenantNav: TenantNav? = nil,
        status: HTTPResponse.Status = .ok,
        refreshSeconds: Int? = nil
    ) -> Response {
        let user = ConsoleUser.current.map { UserModel(label: $0.label, csrf: $0.csrfToken, isRoot: $0.principal.isRoot) }
        // Every template is registered at start-up (``templateNames``); a name missing from that list is a bug, answered 500.
        guard let body = library.render(model, withTemplate: template) else {
            return Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"])
        }
        let layout = Layout(
            title: title,
            body: body,
            css: assets.url("console.css"),
            js: assets.url("console.js"),
            user: user,
            tenantNav: tenantNav,
            refreshSeconds: refreshSeconds
        )
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
    }

    /// 303 See Other: the end of every post-redirect-get. `location` is a console path, never a secret.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
