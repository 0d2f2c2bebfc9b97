import InternalAPI
import SQLKit

/// A page request of the provisioning log as SQL: `leading` is what one of the log's indexes serves (the tenant, the
/// IdP, `status=failure`, the time range, the cursor), `residual` what is checked on each row found (another status,
/// the operation, `q`); nil when there is nothing to check, and the page needs no scan window.
struct ProvisioningLogFilter {
    let leading: SQLQueryString
    let residual: SQLQueryString?

    init(tenantID: String, query: ProvisioningLogQuery) {
        var leading = SQLQueryString("tenant_id = \(bind: tenantID)")
        var residual: [SQLQueryString] = []
        if let idpID = query.idpID { leading = leading + " AND idp_id = \(bind: idpID)" }
        switch query.status {
        case .failure?:
            // A literal, not a parameter: only then does SQLite see that the partial indexes of failures apply.
            leading = leading + " AND status = 'failure'"
        case let status?:
            residual.append("status = \(bind: status.rawValue)")
        case nil:
            break
        }
        if let since = query.since { leading = leading + " AND occurred_at >= \(bind: since)" }
        if let until = query.until { leading = leading + " AND occurred_at < \(bind: until)" }
        if let cursor = query.cursor { leading = leading + " AND (occurred_at, id) < (\(bind: cursor.time), \(bind: cursor.id))" }
        if let operation = query.operation { residual.append("operation = \(bind: operation.rawValue)") }
        if let text = query.text {
            let pattern = "%" + Self.escapeLike(text.lowercased()) + "%"
            let columns = ["display_name", "external_id", "resource_id", "request_id", "detail"]
            let matches: [SQLQueryString] = columns.map { "LOWER(\(unsafeRaw: $0)) LIKE \(bind: pattern) ESCAPE '\\'" }
            residual.append("(" + matches.joined(separator: " OR ") + ")")
        }
        self.leading = leading
        self.residual = residual.isEmpty ? nil : residual.joined(separator: " AND ")
    }

    /// `text` with LIKE's wildcards and its escape character taken literally.
    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
