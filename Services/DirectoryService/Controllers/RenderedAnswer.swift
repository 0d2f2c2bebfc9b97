import HTTPTypes
import Hummingbird
import InternalAPI
import ScimCore
import ServiceKit

/// How the directory answers about SCIM resources: as the gateway's client will see them when the request names the
/// client's base URL (``ScimRendering``) — the one place a stored resource becomes a SCIM answer, for writes as for
/// reads — or as the stored resource for a caller that needs the document itself (the gateway's user PATCH, the
/// mapping service's re-mapping).
struct RenderedAnswer {
    private static let baseField = HTTPField.Name(ScimRendering.baseHeader)!

    let resourceType: ScimResourceType
    /// The renderer the request asks for; nil for a stored answer.
    let renderer: ResourceRenderer?

    /// Built before any write, so that a projection no answer could apply (an `attributes` name that is not
    /// attribute notation: `invalidPath`) is refused before anything is stored.
    init(_ request: Request, query: SearchRequest, resourceType: ScimResourceType) throws(ScimError) {
        self.resourceType = resourceType
        guard let base = request.headers.value(of: Self.baseField), !base.isEmpty else {
            renderer = nil
            return
        }
        renderer = ResourceRenderer(
            baseURL: base,
            projection: try AttributeProjection(query, registry: .standard, resourceType: resourceType)
        )
    }

    /// For a route about one resource, whose query is only the client's projection.
    init(_ request: Request, resourceType: ScimResourceType) throws(ScimError) {
        try self.init(request, query: try SearchRequest(rawQuery: request.uri.query), resourceType: resourceType)
    }

    /// Whether the answer carries a group's members: what the client's projection keeps (a member list can be
    /// huge); all of them in a stored answer.
    var includesMembers: Bool { renderer?.projection.includes("members") ?? true }

    /// One resource: rendered with `ETag`, and `Location` when created; or the stored resource.
    /// `changedAttributes`: a write's, sent in ``ProvisioningHeaders/changedAttributes`` for the provisioning log.
    func response(_ resource: StoredResource, status: HTTPResponse.Status = .ok, changedAttributes: [String]? = nil) -> Response {
        var response: Response
        if let renderer {
            var answer = Self.rendered(resource, resourceType, by: renderer)
            if status == .created { answer.location = renderer.location(resourceType: resourceType, id: resource.id) }
            response = JSONCoding.scimResponse(answer, status: status)
        } else {
            response = JSONCoding.response(resource, status: status)
        }
        if let changedAttributes { response.headers.reportChanges(changedAttributes) }
        return response
    }

    /// A page: a SCIM `ListResponse`, or the stored page.
    func response(_ page: DirectoryPage) -> Response {
        guard let renderer else { return JSONCoding.response(page) }
        return JSONCoding.scimResponse(Self.rendered(page, resourceType, by: renderer))
    }

    static func rendered(_ resource: StoredResource, _ resourceType: ScimResourceType, by renderer: ResourceRenderer) -> RenderedScim {
        var writer = JSONWriter()
        writer.write(renderer.render(resource.resource, resourceType: resourceType, id: resource.id))
        return RenderedScim(body: writer.bytes, version: resource.version)
    }

    static func rendered(_ page: DirectoryPage, _ resourceType: ScimResourceType, by renderer: ResourceRenderer) -> RenderedScim {
        var writer = JSONWriter(capacity: 512 + 1024 * page.resources.count)
        writer.write(
            .listResponse(
                resources: page.resources.map { renderer.render($0.resource, resourceType: resourceType, id: $0.id) },
                totalResults: page.totalResults,
                startIndex: page.startIndex,
                itemsPerPage: page.resources.count,
                nextCursor: page.nextCursor,
                previousCursor: nil
            )
        )
        return RenderedScim(body: writer.bytes, version: nil)
    }
}

extension HTTPFields {
    static let changedAttributes = HTTPField.Name(ProvisioningHeaders.changedAttributes)

    /// Sets ``ProvisioningHeaders/changedAttributes`` (bounded: at most 50 names, then `…`).
    mutating func reportChanges(_ names: [String]) {
        if let name = Self.changedAttributes { self[name] = ProvisioningHeaders.changedAttributesValue(names) }
    }
}
