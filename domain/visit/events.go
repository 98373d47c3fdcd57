package visit

import "github.com/kincare/kincare/domain/event"

// The events of monthly visits, carried in the outbox of the document
// they change. Their data name the elder, the region code, the station
// and the month (yyyy-mm, the elder's zone), so a read model (the
// regulators' monthly visit rate) is built from them alone:
// due = elders with care.marked vulnerable=true in a month, visited =
// distinct elders of visit.recorded in that month.
const (
	// EventMarked: a regulator or station set an elder's categories
	// (data: elderId, regionCode, stationId, categories, role, vulnerable,
	// month). The family hears that the official record changed.
	EventMarked event.Type = "care.marked"
	// EventVisitorAssigned: an elder has a visitor (data: elderId,
	// regionCode, stationId, visitorId, visitorKind). The visitor hears.
	EventVisitorAssigned event.Type = "care.visitor_assigned"
	// EventRecorded: a visit was completed (data: visitId, elderId,
	// familyId, regionCode, stationId, visitorId, visitorKind, mode,
	// month, minutes, verified, living, mood, referrals). The family hears.
	EventRecorded event.Type = "visit.recorded"
	// EventQuiet: an elder went QuietMonths unvisited (data: elderId,
	// regionCode, stationId, since, months). The station's office hears.
	EventQuiet event.Type = "care.unvisited"
	// EventVolunteerVerified: a station verified a volunteer (data:
	// volunteerId, stationId). The volunteer hears.
	EventVolunteerVerified event.Type = "timebank.volunteer_verified"
)
