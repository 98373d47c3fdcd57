package mongo

import (
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/adapters/ferretsql"
)

// collectionSpec declares what a collection's queries need indexed.
//
// indexes are MongoDB's, created on both stores (EnsureIndexes). The
// embedded store mirrors each of them as a SQLite expression index on
// FerretDB's file, so that a query MongoDB answers through an index is
// answered through one there too, instead of FerretDB decoding every
// document of the collection.
//
// arrays names the array fields filters reach into ("offeredTo",
// "members" for members.userId). MongoDB needs no such list; the
// embedded store does, to give a filter on them MongoDB's meaning (any
// element matches), and to keep an index key inside one (a "multikey"
// index on MongoDB) in a side table that triggers maintain, since an
// expression index holds one value per document. Other keys of such an
// index are not mirrored. An array filters reach into but not declared
// here is compared as a whole value on the embedded store: the test
// suites run with VerifyEmbeddedQueries, which fails any answer that
// differs from FerretDB's own.
//
// A new collection, or a new query on an old one: declare the index the
// query needs here (it serves production too), and any array it reaches
// into.
type collectionSpec struct {
	indexes []mongo.IndexModel
	arrays  []string
}

var collections = map[string]collectionSpec{
	usersColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "phone", Value: 1}}, Options: options.Index().SetUnique(true).SetName("phone_unique")},
			{Keys: bson.D{{Key: "pendingDeletion", Value: 1}}, Options: options.Index().SetName("pending_deletion")},
			{Keys: bson.D{{Key: "roles", Value: 1}}, Options: options.Index().SetName("roles")},
		},
		arrays: []string{"roles"},
	},
	sessionsColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "userId", Value: 1}}, Options: options.Index().SetName("user")},
		{Keys: bson.D{{Key: "expiresAt", Value: 1}}, Options: options.Index().SetName("expiry")},
	}},
	devicesColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "userId", Value: 1}}, Options: options.Index().SetName("user")},
		outboxIndex,
	}},
	familiesColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "members.userId", Value: 1}}, Options: options.Index().SetName("member")},
			outboxIndex,
		},
		arrays: []string{"members"},
	},
	invitesColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "familyId", Value: 1}}, Options: options.Index().SetName("family")},
		{Keys: bson.D{{Key: "phone", Value: 1}}, Options: options.Index().SetName("phone")},
		outboxIndex,
	}},
	ordersColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("family_id")},
			{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("provider_id")},
			{Keys: bson.D{{Key: "caregiverId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("caregiver_id")},
			// An elder's history (has the elder ever ordered?).
			{Keys: bson.D{{Key: "elderId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("elder_id")},
			// The order timers read the open orders, a few among a year's.
			{Keys: bson.D{{Key: "status", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("status_id")},
			{Keys: bson.D{{Key: "offeredTo", Value: 1}}, Options: options.Index().SetName("offered_to")},
			// Only rated orders: the ratings' recount reads them alone.
			{Keys: bson.D{{Key: "rating.at", Value: 1}}, Options: options.Index().SetSparse(true).SetName("rated")},
			outboxIndex,
		},
		arrays: []string{"offeredTo", "offers", "redispatches"},
	},
	eventsColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "deliveredAt", Value: 1}}, Options: options.Index().SetName("delivered")},
	}},
	notificationsColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "eventId", Value: 1}, {Key: "userId", Value: 1}},
			Options: options.Index().SetUnique(true).SetName("event_user_unique")},
		{Keys: bson.D{{Key: "userId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("user_id")},
		{Keys: bson.D{{Key: "push.state", Value: 1}}, Options: options.Index().SetName("push_state")},
	}},
	notificationPrefsColl: {},
	laddersColl:           {},
	eldersColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("family_id")},
		// The removal repair: elders whose removal began long ago.
		{Keys: bson.D{{Key: "removal.since", Value: 1}}, Options: options.Index().SetSparse(true).SetName("removal_since")},
	}},
	childrenColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("family_id")},
		outboxIndex,
	}},
	auditColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("family_id")},
		{Keys: bson.D{{Key: "actorId", Value: 1}}, Options: options.Index().SetName("actor")},
	}},
	providersColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "admins", Value: 1}}, Options: options.Index().SetName("admin")},
			{Keys: bson.D{{Key: "status", Value: 1}, {Key: "credit", Value: 1}}, Options: options.Index().SetName("status_credit")},
			{Keys: bson.D{{Key: "staffInvites.phone", Value: 1}}, Options: options.Index().SetName("staff_invite_phone")},
			{Keys: bson.D{{Key: "staff.userId", Value: 1}}, Options: options.Index().SetName("staff_user")},
			// The regulators' list: providers in a region, in id order.
			{Keys: bson.D{{Key: "regions", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("region_id")},
			outboxIndex,
		},
		arrays: []string{"admins", "staff", "staffInvites", "items", "regions"},
	},
	slotsColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "resourceId", Value: 1}, {Key: "window.start", Value: 1}, {Key: "_id", Value: 1}},
				Options: options.Index().SetName("resource_start")},
			{Keys: bson.D{{Key: "window.end", Value: 1}}, Options: options.Index().SetName("end")},
			{Keys: bson.D{{Key: "waiting", Value: 1}}, Options: options.Index().SetSparse(true).SetName("waiting")},
			outboxIndex,
		},
		arrays: []string{"seats", "waitlist", "promotions"},
	},
	bookingsColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "slotId", Value: 1}}, Options: options.Index().SetName("slot")},
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "seat.at", Value: -1}, {Key: "_id", Value: -1}},
			Options: options.Index().SetName("family_at")},
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "seat.at", Value: -1}, {Key: "_id", Value: -1}},
			Options: options.Index().SetName("provider_at")},
		{Keys: bson.D{{Key: "recipientId", Value: 1}, {Key: "window.start", Value: 1}},
			Options: options.Index().SetName("recipient_start")},
		// A person's own class seats, newest first (GET /v1/me/class-bookings).
		{Keys: bson.D{{Key: "recipientId", Value: 1}, {Key: "seat.at", Value: -1}, {Key: "_id", Value: -1}},
			Options: options.Index().SetName("recipient_at")},
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "window.end", Value: 1}},
			Options: options.Index().SetName("provider_end")},
		outboxIndex,
	}},
	// The regulators' action log, read by region, newest first.
	oversightColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "regions", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("region_id")},
		},
		arrays: []string{"regions", "actorRegions"},
	},
	// The indicators' read model: a region-month's facts at any level
	// of the region hierarchy by one key ("3101|2026-11").
	indicatorFactsColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "keys", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("key_id")},
		},
		arrays: []string{"keys"},
	},
	complaintsColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "subjectKey", Value: 1}}, Options: options.Index().SetUnique(true).SetName("subject_unique")},
			{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("family_id")},
			{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("provider_id")},
			{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "filedAt", Value: -1}}, Options: options.Index().SetName("provider_filed")},
			// The response timer: open complaints by deadline.
			{Keys: bson.D{{Key: "status", Value: 1}, {Key: "respondBy", Value: 1}}, Options: options.Index().SetName("status_respond_by")},
			// The regulator's list: escalated ones only, in a region or all.
			{Keys: bson.D{{Key: "escalation.at", Value: 1}}, Options: options.Index().SetSparse(true).SetName("escalated")},
			{Keys: bson.D{{Key: "regions", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("region_id")},
			{Keys: bson.D{{Key: "creditPending", Value: 1}}, Options: options.Index().SetSparse(true).SetName("credit_pending")},
			outboxIndex,
		},
		arrays: []string{"regions", "photoKeys"},
	},
	incidentsColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "windowKey", Value: 1}}, Options: options.Index().SetUnique(true).SetName("window_unique")},
			{Keys: bson.D{{Key: "elderId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("elder_id")},
			{Keys: bson.D{{Key: "called", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("called_id")},
			// The ladder's timers, rebuilt from here when Redis lost them.
			{Keys: bson.D{{Key: "dueAt", Value: 1}}, Options: options.Index().SetSparse(true).SetName("due")},
			{Keys: bson.D{{Key: "untexted", Value: 1}}, Options: options.Index().SetSparse(true).SetName("untexted")},
			outboxIndex,
		},
		arrays: []string{"called"},
	},
	recurringOrdersColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "elderId", Value: 1}, {Key: "_id", Value: -1}}, Options: options.Index().SetName("elder_id")},
		// A family's rules by id: its data export.
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("family_id")},
		// The generator pages through the active rules by id.
		{Keys: bson.D{{Key: "status", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("status_id")},
		outboxIndex,
	}},
	// An occurrence's _id is its (kind, plan, date) key: the unique key
	// that makes each occurrence once.
	occurrencesColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "kind", Value: 1}, {Key: "planId", Value: 1}, {Key: "date", Value: 1}},
			Options: options.Index().SetName("kind_plan_date")},
	}},
	homeDevicesColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "elderId", Value: 1}}, Options: options.Index().SetName("elder")},
		// The watch: doors quiet since, devices silent since.
		{Keys: bson.D{{Key: "kind", Value: 1}, {Key: "lastOpenedAt", Value: 1}}, Options: options.Index().SetName("door_quiet")},
		{Keys: bson.D{{Key: "lastSeenAt", Value: 1}}, Options: options.Index().SetName("silent")},
		outboxIndex,
	}},
	// Monthly visits: a station's, a region's and a visitor's elders; the
	// watch's unalerted quiet spells.
	careRecordsColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "stationId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("station_id")},
			{Keys: bson.D{{Key: "regions", Value: 1}}, Options: options.Index().SetName("regions")},
			{Keys: bson.D{{Key: "visitorId", Value: 1}}, Options: options.Index().SetSparse(true).SetName("visitor")},
			{Keys: bson.D{{Key: "watchFrom", Value: 1}}, Options: options.Index().SetSparse(true).SetName("watch_from")},
			outboxIndex,
		},
		arrays: []string{"regions"},
	},
	// A station's or a region's visits of a month; volunteers' visits
	// whose credit is not noted.
	visitsColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "stationId", Value: 1}, {Key: "month", Value: 1}}, Options: options.Index().SetName("station_month")},
			{Keys: bson.D{{Key: "regions", Value: 1}, {Key: "month", Value: 1}}, Options: options.Index().SetName("region_month")},
			{Keys: bson.D{{Key: "creditDue", Value: 1}}, Options: options.Index().SetSparse(true).SetName("credit_due")},
			outboxIndex,
		},
		arrays: []string{"regions"},
	},
	volunteersColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "stationId", Value: 1}}, Options: options.Index().SetName("station")},
		outboxIndex,
	}},
	deviceEventsColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "unraised", Value: 1}}, Options: options.Index().SetSparse(true).SetName("unraised")},
	}},
	mealSubscriptionsColl: {indexes: []mongo.IndexModel{
		// The generator pages through the active subscriptions by id.
		{Keys: bson.D{{Key: "status", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("status_id")},
		// An elder's subscriptions, ended when the elder is removed.
		{Keys: bson.D{{Key: "elderId", Value: 1}}, Options: options.Index().SetName("elder")},
		// A family's subscriptions by id: its data export.
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("family_id")},
		outboxIndex,
	}},
	canteensColl:    {},
	mealMenusColl:   {},
	mealSubsidyColl: {},
	mealOrdersColl: {indexes: []mongo.IndexModel{
		// A window's day: its orders (the canteen's lists, the checks).
		{Keys: bson.D{{Key: "slotId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("slot_id")},
		// A canteen's day, page by page.
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "date", Value: 1}, {Key: "_id", Value: 1}},
			Options: options.Index().SetName("provider_date_id")},
		// An elder's days: the meal a card redeems at the counter.
		{Keys: bson.D{{Key: "elderId", Value: 1}, {Key: "date", Value: 1}}, Options: options.Index().SetName("elder_date")},
		// A family's orders by id: its data export.
		{Keys: bson.D{{Key: "familyId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("family_id")},
		// Hand-overs and missed-meal reminders wait here for the relay.
		outboxIndex,
	}},
	// One card per elder, read and replaced by _id.
	mealCardsColl: {},
	coursesColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("provider_id")},
	}},
	classSessionsColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "status", Value: 1}, {Key: "start", Value: 1}}, Options: options.Index().SetName("status_start")},
			{Keys: bson.D{{Key: "courseId", Value: 1}, {Key: "start", Value: 1}}, Options: options.Index().SetName("course_start")},
		},
		arrays: []string{"topics"},
	},
	classExpertsColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("provider_id")},
	}},
	// A person's no-shows are read and written by _id (their user id);
	// the rule's notice leaves through the outbox.
	classStandingsColl: {indexes: []mongo.IndexModel{outboxIndex}},
	offeringsColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("provider_id")},
	}},
	ledgerAccountsColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "journalSince", Value: 1}}, Options: options.Index().SetSparse(true).SetName("journal_since")},
			{Keys: bson.D{{Key: "holdsSince", Value: 1}}, Options: options.Index().SetSparse(true).SetName("holds_since")},
			// A station's redemptions to confirm (time bank).
			{Keys: bson.D{{Key: "holds.party", Value: 1}, {Key: "_id", Value: 1}}, Options: options.Index().SetName("hold_party")},
			outboxIndex,
		},
		arrays: []string{"holds", "recent"},
	},
	ledgerEntriesColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "account", Value: 1}, {Key: "seq", Value: -1}},
			Options: options.Index().SetUnique(true).SetName("account_seq_unique")},
		{Keys: bson.D{{Key: "party", Value: 1}, {Key: "month", Value: 1}, {Key: "kind", Value: 1}},
			Options: options.Index().SetName("party_month_kind")},
	}},
	// The childcare day reads its documents by id; these serve a month's
	// statement, erasure, and the relay. Setups, rosters and rates are
	// read by id alone.
	setupsColl:  {},
	rostersColl: {},
	ratesColl:   {},
	// A region's resident figures are read by id (the region code).
	residentsColl: {},
	roomDaysColl: {
		indexes: []mongo.IndexModel{
			{Keys: bson.D{{Key: "providerId", Value: 1}, {Key: "date", Value: 1}}, Options: options.Index().SetName("provider_date")},
			{Keys: bson.D{{Key: "children.familyId", Value: 1}}, Options: options.Index().SetName("family")},
			outboxIndex,
		},
		arrays: []string{"children"},
	},
	dailyReportsColl: {indexes: []mongo.IndexModel{
		{Keys: bson.D{{Key: "familyId", Value: 1}}, Options: options.Index().SetName("family")},
		{Keys: bson.D{{Key: "childId", Value: 1}}, Options: options.Index().SetName("child")},
		outboxIndex,
	}},
}

// outboxIndex finds documents with events to hand on; sparse, so it
// holds only those few.
var outboxIndex = mongo.IndexModel{Keys: bson.D{{Key: "outboxSince", Value: 1}},
	Options: options.Index().SetSparse(true).SetName("outbox")}

// embeddedSpecs derives the embedded store's indexes from collections:
// each MongoDB index on scalar fields becomes an expression index on the
// same keys in the same directions (a sparse one also an index of its
// documents alone in _id order); each key inside a declared array
// becomes a multikey path.
func embeddedSpecs() (map[string]ferretsql.Spec, error) {
	out := make(map[string]ferretsql.Spec, len(collections))
	for coll, c := range collections {
		s := ferretsql.Spec{Arrays: c.arrays}
		for _, m := range c.indexes {
			keys, ok := m.Keys.(bson.D)
			if !ok {
				return nil, fmt.Errorf("mongo: %s: index keys must be a bson.D", coll)
			}
			var o options.IndexOptions
			for _, set := range m.Options.List() {
				if err := set(&o); err != nil {
					return nil, err
				}
			}
			if o.Name == nil {
				return nil, fmt.Errorf("mongo: %s: every index needs a name", coll)
			}
			ix := ferretsql.Index{Name: *o.Name, Sparse: o.Sparse != nil && *o.Sparse}
			var multikey []string
			for _, k := range keys {
				if inArrays(k.Key, c.arrays) {
					multikey = append(multikey, k.Key)
					continue
				}
				ix.Keys = append(ix.Keys, ferretsql.Key{Path: k.Key, Desc: k.Value == -1})
			}
			if len(multikey) > 0 {
				s.Multikey = append(s.Multikey, multikey...)
				continue
			}
			s.Indexes = append(s.Indexes, ix)
		}
		out[coll] = s
	}
	return out, nil
}

func inArrays(path string, arrays []string) bool {
	for _, a := range arrays {
		if path == a || strings.HasPrefix(path, a+".") {
			return true
		}
	}
	return false
}
