import ScimCore

/// A list request to the directory: the SCIM query, already split into its parts by the gateway.
package struct DirectorySearch: Codable, Sendable, Hashable {
    /// SCIM filter text; the directory parses, validates and translates it to SQL.
    package var filter: String?
    /// 1-based index paging (RFC 7644 §3.4.2.4); ignored when `cursor` is set.
    package var startIndex: Int
    /// Page size, already clamped to the advertised maximum; 0 asks only for `totalResults`.
    package var count: Int
    package var sortBy: String?
    package var descending: Bool
    /// RFC 9865 cursor paging: nil for index paging, "" for the first page, otherwise the `nextCursor` of the last page.
    package var cursor: String?
    /// Groups only: whether to load the membership rows.
    package var includeMembers: Bool

    package init(
        filter: String? = nil, startIndex: Int = 1, count: Int = 100, sortBy: String? = nil, descending: Bool = false, cursor: String? = nil,
        includeMembers: Bool = true
    ) {
        self.filter = filter
        self.startIndex = startIndex
        self.count = count
        self.sortBy = sortBy
        self.descending = descending
        self.cursor = cursor
        self.includeMembers = includeMembers
    }
}

/// One page of a list.
package struct DirectoryPage: Codable, Sendable, Hashable {
    package var totalResults: Int
    /// The 1-based index of the first resource (index paging only).
    package var startIndex: Int?
    package var resources: [StoredResource]
    /// RFC 9865: the cursor of the next page, absent on the last page.
    package var nextCursor: String?

    package init(totalResults: Int, startIndex: Int?, resources: [StoredResource], nextCursor: String?) {
        self.totalResults = totalResults
        self.startIndex = startIndex
        self.resources = resources
        self.nextCursor = nextCursor
    }
}

/// A full replace (PUT) of a user.
package struct UserReplaceRequest: Codable, Sendable, Hashable {
    package var resource: JSONValue
    package var identity: [String: JSONValue]
    /// The version the client (or the gateway's read-modify-write) based the change on; nil = unconditional.
    package var ifMatch: Int?

    package init(resource: JSONValue, identity: [String: JSONValue], ifMatch: Int?) {
        self.resource = resource
        self.identity = identity
        self.ifMatch = ifMatch
    }
}

/// A create or full replace of a group: the resource including its `members`.
package struct GroupWriteRequest: Codable, Sendable, Hashable {
    package var resource: JSONValue
    package var ifMatch: Int?
    /// Whether the answer should carry the members (a client may have excluded them).
    package var includeMembers: Bool

    package init(resource: JSONValue, ifMatch: Int? = nil, includeMembers: Bool = true) {
        self.resource = resource
        self.ifMatch = ifMatch
        self.includeMembers = includeMembers
    }
}

/// A PATCH of a group, applied by the directory in one transaction: attribute changes on the document,
/// membership changes as row inserts and deletes.
package struct GroupPatchRequest: Codable, Sendable, Hashable {
    /// The PatchOp message as the client sent it.
    package var patch: JSONValue
    package var ifMatch: Int?
    package var includeMembers: Bool

    package init(patch: JSONValue, ifMatch: Int?, includeMembers: Bool) {
        self.patch = patch
        self.ifMatch = ifMatch
        self.includeMembers = includeMembers
    }
}
