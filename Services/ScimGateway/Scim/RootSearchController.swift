import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ScimFilter
import ServiceKit

/// `POST /scim/v2/{tenant}/{idp}/.search` (RFC 7644 §3.4.3 at the root): Users then Groups, as one list.
/// A filter that does not fit one resource type (it names an attribute only the other has) matches nothing of
/// that type; a filter that fits neither is refused as it would be per type.
struct RootSearchController {
    let resources: ScimResources
    let http: ScimHTTP

    func register(on group: RouterGroup<ScimRequestContext>) {
        group.post(".search", use: search)
    }

    @Sendable func search(_ request: Request, context: ScimRequestContext) async throws -> Response {
        let principal = context.principal
        let search = try SearchRequest(searchBody: try await JSONCoding.jsonValue(of: request, context: context))
        guard search.cursor == nil else {
            throw ScimError.invalidValue("Cursor pagination is offered per resource type; search /Users/.search or /Groups/.search.")
        }
        let kinds = try Self.kinds(accepting: search.filter)
        let page = resources.directorySearch(search, includeMembers: true)
        var remaining = page.count
        var skip = page.startIndex - 1
        var total = 0
        var rendered: [JSONValue] = []
        for kind in kinds {
            let projection = try http.projection(search, kind)
            var kindSearch = page
            kindSearch.includeMembers = projection.includes("members")
            // First the count alone, to know how much of this type the requested window skips.
            kindSearch.count = 0
            let counted = try await resources.search(kind, principal, kindSearch, logger: context.logger)
            total += counted.totalResults
            guard remaining > 0, counted.totalResults > skip else {
                skip = max(skip - counted.totalResults, 0)
                continue
            }
            kindSearch.startIndex = skip + 1
            kindSearch.count = remaining
            let slice = try await resources.search(kind, principal, kindSearch, logger: context.logger)
            rendered += slice.resources.map { http.render($0, kind, principal, projection: projection) }
            remaining -= slice.resources.count
            skip = 0
        }
        return JSONCoding.scimResponse(
            .listResponse(
                resources: rendered, totalResults: total, startIndex: page.startIndex, itemsPerPage: rendered.count, nextCursor: nil,
                previousCursor: nil))
    }

    /// The resource types whose schema the filter fits; the first refusal when it fits none.
    private static func kinds(accepting filter: String?) throws -> [ResourceKind] {
        guard let filter, !filter.trimmingSpaces().isEmpty else { return ResourceKind.allCases }
        let expression = try FilterParser.parse(filter)
        var accepted: [ResourceKind] = []
        var firstRefusal: ScimError?
        for kind in ResourceKind.allCases {
            do throws(ScimError) {
                try FilterValidator(registry: .standard, resourceType: kind.rawValue).validate(expression)
                accepted.append(kind)
            } catch {
                firstRefusal = firstRefusal ?? error
            }
        }
        if accepted.isEmpty, let firstRefusal { throw firstRefusal }
        return accepted
    }
}
