import Foundation
import Hummingbird
import InternalAPI
import ScimCore
import ScimFilter
import ServiceKit

/// `POST /scim/v2/{tenant}/{idp}/.search` (RFC 7644 §3.4.3 at the root): Users then Groups, as one list, joined
/// from the pages the directory renders for each type.
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
        let page = resources.page(search)
        var remaining = page.count ?? 0
        var skip = page.startIndex - 1
        var total = 0
        var found: [JSONValue] = []
        for kind in kinds {
            // First the count alone, to know how much of this type the requested window skips.
            var kindSearch = page
            kindSearch.count = 0
            let counted = try await list(kind, principal, kindSearch, context: context)
            total += counted.totalResults
            guard remaining > 0, counted.totalResults > skip else {
                skip = max(skip - counted.totalResults, 0)
                continue
            }
            kindSearch.startIndex = skip + 1
            kindSearch.count = remaining
            let slice = try await list(kind, principal, kindSearch, context: context).resources
            found += slice
            remaining -= slice.count
            skip = 0
        }
        return JSONCoding.scimResponse(
            .listResponse(
                resources: found,
                totalResults: total,
                startIndex: page.startIndex,
                itemsPerPage: found.count,
                nextCursor: nil,
                previousCursor: nil
            )
        )
    }

    /// One type's page as the directory rendered it for the client, read back to be joined with the other type's.
    private func list(
        _ kind: ScimResourceType,
        _ principal: ScimPrincipal,
        _ search: SearchRequest,
        context: ScimRequestContext
    ) async throws -> (totalResults: Int, resources: [JSONValue]) {
        let answer = try await resources.renderedSearch(kind, principal, http.rendering(principal, search), logger: context.logger)
        let page = try JSONValue.decode(Data(answer.body))
        guard let total = page.objectValue?["totalResults"]?.numberValue.flatMap({ Int(exactly: $0) }) else {
            throw ScimError.internalError("The directory answered a list without totalResults.")
        }
        return (total, page.objectValue?["Resources"]?.arrayValue ?? [])
    }

    /// The resource types whose schema the filter fits; the first refusal when it fits none.
    private static func kinds(accepting filter: String?) throws -> [ScimResourceType] {
        guard let filter, !filter.trimmingSpaces().isEmpty else { return ScimResourceType.allCases }
        let expression = try FilterParser.parse(filter)
        var accepted: [ScimResourceType] = []
        var firstRefusal: ScimError?
        for kind in ScimResourceType.allCases {
            do throws(ScimError) {
                try FilterValidator(registry: .standard, resourceType: kind).validate(expression)
                accepted.append(kind)
            } catch {
                firstRefusal = firstRefusal ?? error
            }
        }
        if accepted.isEmpty, let firstRefusal { throw firstRefusal }
        return accepted
    }
}
