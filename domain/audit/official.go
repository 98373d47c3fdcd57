package audit

import "time"

// OfficialAction is one thing a regulator did or read (监管留痕): kept in an
// append-only log that the accounts above them read — a regulator whose
// regions contain theirs, or a platform admin. Like Entry it names
// records by id, never personal data.
type OfficialAction struct {
	ID      string // UUIDv7: id order is time order
	ActorID string
	// ActorRegions are the actor's regions when they acted, which decide
	// who is above them.
	ActorRegions []string
	Action       OfficialVerb
	SubjectKind  string // provider, complaint, elder, region
	SubjectID    string
	// RegionCode is where the subject is (the provider's or the elder's
	// address, the region of a rate).
	RegionCode string
	// Detail is what was decided, in a word or a number: a credit
	// standing, an outcome, an amount in fen, a rate.
	Detail    string
	RequestID string
	At        time.Time
}

// OfficialVerb names what a regulator did.
type OfficialVerb string

const (
	SetCredit        OfficialVerb = "provider.set_credit"
	DecideComplaint  OfficialVerb = "complaint.decide"
	GrantAllowance   OfficialVerb = "allowance.grant"
	EndAllowance     OfficialVerb = "allowance.end"
	AdjustAllowance  OfficialVerb = "allowance.adjust"
	RecordAssessment OfficialVerb = "elder.record_assessment"
	SetSubsidyRate   OfficialVerb = "region.set_subsidy_rate"
	SetMealSubsidy   OfficialVerb = "region.set_meal_subsidy_rules"
	SetResidents     OfficialVerb = "region.set_residents"

	// Reads: what an official saw of a family's words, and what left the
	// platform in a file.
	ReadComplaint OfficialVerb = "complaint.read"
	Export        OfficialVerb = "export"
)
