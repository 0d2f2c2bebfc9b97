import ScimCore

/// A page request of the application API's read API: `cursor` (``ApplicationCursor``) and `limit` (1…1000,
/// default 100).
package struct ApplicationPage: Sendable, Hashable {
    package static let defaultLimit = 100
    package static let maximumLimit = 1_000

    package var cursor: ApplicationCursor?
    package var limit: Int

    package init(cursor: ApplicationCursor? = nil, limit: Int = ApplicationPage.defaultLimit) {
        self.cursor = cursor
        self.limit = limit
    }
}

/// `GET users?idp=&userName=&externalId=&email=&active=&updatedSince=&cursor=&limit=`. Filters combine with `and`;
/// `userName` and `email` match case-insensitively, `externalId` exactly; `updatedSince` (inclusive) orders the
/// answer by last change instead of by creation.
package struct ApplicationUserQuery: Sendable, Hashable {
    package var idp: String?
    package var userName: String?
    package var externalID: String?
    package var email: String?
    package var active: Bool?
    /// In the stored form (``ApplicationTimestamp``).
    package var updatedSince: String?
    package var page: ApplicationPage

    package init(
        idp: String? = nil,
        userName: String? = nil,
        externalID: String? = nil,
        email: String? = nil,
        active: Bool? = nil,
        updatedSince: String? = nil,
        page: ApplicationPage = ApplicationPage()
    ) {
        self.idp = idp
        self.userName = userName
        self.externalID = externalID
        self.email = email
        self.active = active
        self.updatedSince = updatedSince
        self.page = page
    }

    /// The order pages follow: by last change when `updatedSince` is given, else by creation.
    package var order: ApplicationCursor.Order { updatedSince == nil ? .created : .updated }

    /// Parses the URL query as received (not yet decoded); every problem is 400 naming the parameter.
    package init(rawQuery: String?) throws(ScimError) {
        let parameters = try ApplicationQueryParameters(
            rawQuery,
            accepted: ["idp", "userName", "externalId", "email", "active", "updatedSince", "cursor", "limit"]
        )
        self.init(
            idp: try parameters.text("idp"),
            userName: try parameters.text("userName"),
            externalID: try parameters.text("externalId"),
            email: try parameters.text("email"),
            active: try parameters.flag("active"),
            updatedSince: try parameters.timestamp("updatedSince")
        )
        page = try parameters.page(order: order)
    }

    /// The query as a URL query string, which ``init(rawQuery:)`` reads back unchanged.
    package var rawQuery: String {
        var items: [(String, String?)] = [("idp", idp), ("userName", userName), ("externalId", externalID), ("email", email)]
        items += [("active", active.map { $0 ? "true" : "false" }), ("updatedSince", updatedSince)]
        return ApplicationQueryParameters.encode(items, page: page)
    }
}

/// `GET groups?idp=&displayName=&cursor=&limit=`; `displayName` matches case-insensitively.
package struct ApplicationGroupQuery: Sendable, Hashable {
    package var idp: String?
    package var displayName: String?
    package var page: ApplicationPage

    package init(idp: String? = nil, displayName: String? = nil, page: ApplicationPage = ApplicationPage()) {
        self.idp = idp
        self.displayName = displayName
        self.page = page
    }

    package init(rawQuery: String?) throws(ScimError) {
        let parameters = try ApplicationQueryParameters(rawQuery, accepted: ["idp", "displayName", "cursor", "limit"])
        self.init(idp: try parameters.text("idp"), displayName: try parameters.text("displayName"))
        page = try parameters.page(order: .created)
    }

    package var rawQuery: String {
        ApplicationQueryParameters.encode([("idp", idp), ("displayName", displayName)], page: page)
    }
}

/// `GET groups/{id}/members?cursor=&limit=`, in member id order.
package struct ApplicationMemberQuery: Sendable, Hashable {
    package var page: ApplicationPage

    package init(page: ApplicationPage = ApplicationPage()) { self.page = page }

    package init(rawQuery: String?) throws(ScimError) {
        let parameters = try ApplicationQueryParameters(rawQuery, accepted: ["cursor", "limit"])
        page = try parameters.page(order: .member)
    }

    package var rawQuery: String { ApplicationQueryParameters.encode([], page: page) }
}

/// `GET idps` and the reads of one user or group take no query parameters: any is 400.
package enum ApplicationNoQuery {
    package static func check(_ rawQuery: String?) throws(ScimError) {
        _ = try ApplicationQueryParameters(rawQuery, accepted: [])
    }
}
