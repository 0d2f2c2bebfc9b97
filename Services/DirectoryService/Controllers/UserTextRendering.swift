import InternalAPI
import ScimCore

/// Rendered user reads written from the stored text: the stored document's members are copied as bytes and the
/// members the representation adds (`id`, `schemas` when absent, `groups`, `meta` with `location`) are written
/// between them in key order — the same bytes as parsing the document, building ``UserDocument/representation(of:)``,
/// rendering it and writing it again, without the parse and the second write: reads by id and filters are most of
/// what IdPs send, and those two steps were a large share of the directory's work on each.
///
/// A user is copied only when the client's projection is sure to leave it as it is
/// (``AttributeProjection/leavesUnchanged(topLevelName:)`` for every member: no `attributes`/`excludedAttributes`, nothing
/// `returned: never` or `request` stored) and its text is ``JSONWriter``'s (``WrittenJSONObject``); any other user is
/// parsed and rendered the usual way, in the same answer.
enum UserTextRendering {
    /// One user, for a read by id.
    static func rendered(_ user: StoredUserText, by renderer: ResourceRenderer) throws(ScimError) -> RenderedScim {
        var writer = JSONWriter(capacity: user.resourceText.utf8.count + 512)
        try write(user, by: renderer, to: &writer)
        return RenderedScim(body: writer.bytes, version: user.version)
    }

    /// A page of users as a `ListResponse`, for a search.
    static func rendered(
        _ users: [StoredUserText],
        totalResults: Int,
        startIndex: Int?,
        nextCursor: String?,
        by renderer: ResourceRenderer
    ) throws(ScimError) -> RenderedScim {
        // The envelope as ``RenderedAnswer/rendered(_:_:by:)`` writes a page, with the users put in its empty
        // `Resources` (the first key in order).
        var envelope = JSONWriter(capacity: 256)
        envelope.write(
            .listResponse(
                resources: [],
                totalResults: totalResults,
                startIndex: startIndex,
                itemsPerPage: users.count,
                nextCursor: nextCursor,
                previousCursor: nil
            )
        )
        let opening = Array(#"{"Resources":["#.utf8)
        guard envelope.bytes.starts(with: opening) else { throw ScimError.internalError("Unexpected list envelope.") }
        var writer = JSONWriter(capacity: 256 + users.reduce(0) { $0 + $1.resourceText.utf8.count + 512 })
        writer.appendRaw(opening[...])
        for (index, user) in users.enumerated() {
            if index > 0 { writer.appendByte(UInt8(ascii: ",")) }
            try write(user, by: renderer, to: &writer)
        }
        writer.appendRaw(envelope.bytes[opening.count...])
        return RenderedScim(body: writer.bytes, version: nil)
    }

    /// The members the representation adds (a switch: hashing each stored key into a `Set` showed in profiles).
    private static func isAdded(_ key: String) -> Bool {
        switch key {
        case "id", "schemas", "groups", "meta": true
        default: false
        }
    }

    private static func write(_ user: StoredUserText, by renderer: ResourceRenderer, to writer: inout JSONWriter) throws(ScimError) {
        guard let (document, added) = copyPlan(user, by: renderer) else {
            writer.write(renderer.render(try UserDocument.representation(of: user).resource, resourceType: .user, id: user.id))
            return
        }
        // Both lists are in key order: merge them.
        writer.appendByte(UInt8(ascii: "{"))
        var stored = document.members.makeIterator()
        var extra = added.makeIterator()
        var nextStored = stored.next()
        var nextExtra = extra.next()
        var first = true
        while nextStored != nil || nextExtra != nil {
            if !first { writer.appendByte(UInt8(ascii: ",")) }
            first = false
            if let member = nextStored, nextExtra.map({ member.key < $0.key }) ?? true {
                writer.writeKey(member.key)
                writer.appendRaw(document.bytes[member.value])
                nextStored = stored.next()
            } else if let member = nextExtra {
                writer.writeKey(member.key)
                writer.write(member.value)
                nextExtra = extra.next()
            }
        }
        writer.appendByte(UInt8(ascii: "}"))
    }

    /// The stored document's members and the members the representation adds (in key order) when the text can be
    /// copied as it is; nil when it must be parsed.
    static func copyPlan(_ user: StoredUserText, by renderer: ResourceRenderer) -> (WrittenJSONObject, [(key: String, value: JSONValue)])? {
        guard let document = WrittenJSONObject(user.resourceText), let added = added(to: document, of: user, by: renderer) else { return nil }
        return (document, added)
    }

    private static func added(
        to document: WrittenJSONObject,
        of user: StoredUserText,
        by renderer: ResourceRenderer
    ) -> [(key: String, value: JSONValue)]? {
        var hasSchemas = false
        for member in document.members {
            if member.key == "schemas" {
                hasSchemas = true
            } else if isAdded(member.key) {
                return nil  // never stored (UserDocument.ignoredOnWrite); parse and let the representation decide
            }
        }
        var meta = UserDocument.meta(created: user.created, lastModified: user.lastModified, version: user.version)
        meta["location"] = .string(renderer.location(resourceType: .user, id: user.id))
        var added: [(key: String, value: JSONValue)] = [("id", .string(user.id)), ("meta", .object(meta))]
        if !user.groups.isEmpty { added.append(("groups", UserDocument.groupsValue(user.groups))) }
        if !hasSchemas { added.append(("schemas", UserDocument.defaultSchemas)) }
        let projection = renderer.projection
        guard document.members.allSatisfy({ projection.leavesUnchanged(topLevelName: $0.key) }),
            added.allSatisfy({ projection.leavesUnchanged(topLevelName: $0.key) })
        else { return nil }
        return added.sorted { $0.key < $1.key }
    }
}
