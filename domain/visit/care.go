// Package visit is the monthly visiting (探访) of officially vulnerable
// elders and the time bank that pays volunteers for it in minutes.
//
// A Care is one elder's official record: the vulnerable categories a
// regulator or a community station marked (never the family's word),
// who marked what, when and why, the station answerable for the visits,
// and the visitor assigned. A Visit is one visit made: in person, with a
// geofenced check-in and check-out whose phone times are bounded as an
// order's are (domain/order.BoundDeviceTime), or by phone with a
// duration; with a short assessment and follow-ups. Report counts a
// month: visited ÷ due.
//
// Pure domain code: time is passed in, storage is the caller's.
package visit

import (
	"slices"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/text"
)

// Category is an official vulnerable category (特殊困难老年人).
type Category string

const (
	LivingAlone   Category = "living_alone"          // 独居
	EmptyNest     Category = "empty_nest"            // 空巢
	Disabled      Category = "disabled"              // 失能
	Aged80Plus    Category = "aged_80_plus"          // 高龄 80+
	Destitute     Category = "destitute"             // 特困 / 低保
	BereavedOneCh Category = "bereaved_single_child" // 计划生育特殊家庭
)

// Categories lists every category.
var Categories = []Category{LivingAlone, EmptyNest, Disabled, Aged80Plus, Destitute, BereavedOneCh}

// MarkerRole is whose word a marking is: a regulator's or a community
// station's. A family's is not an official record.
type MarkerRole string

const (
	ByRegulator MarkerRole = "regulator"
	ByStation   MarkerRole = "station"
)

// VisitorKind is who an assigned visitor is.
type VisitorKind string

const (
	CommunityWorker VisitorKind = "community_worker" // 社区工作者
	ProviderStaff   VisitorKind = "provider_staff"   // the station's staff
	ByVolunteer     VisitorKind = "volunteer"        // a verified volunteer (time bank)
)

// MaxReason bounds a marking's reason.
const MaxReason = 500

var (
	ErrNotFound = fault.New(fault.NotFound, "care_record_not_found")
	ErrInvalid  = fault.New(fault.Unprocessable, "care_record_invalid")
	// ErrOfficialOnly is a family marking its own elder: the categories
	// are an official record.
	ErrOfficialOnly = fault.New(fault.Forbidden, "vulnerability_official_only")
	// ErrNotVulnerable is assigning a visitor to an elder in no category.
	ErrNotVulnerable = fault.New(fault.Conflict, "elder_not_vulnerable")
	// ErrVisitorIneligible is a visitor who may not be assigned: not the
	// station's staff, or a volunteer not verified.
	ErrVisitorIneligible = fault.New(fault.Unprocessable, "visitor_ineligible")
)

// Marking is one official change of an elder's categories.
type Marking struct {
	Categories []Category // as they stand after it
	By         string
	Role       MarkerRole
	StationID  string // the station answerable after it
	Reason     string
	At         time.Time
}

// Assignment is the visitor of an elder.
type Assignment struct {
	UserID     string
	Kind       VisitorKind
	AssignedBy string
	At         time.Time
}

// Care is one document per elder (its id is the elder's).
type Care struct {
	ElderID    string
	FamilyID   string
	ElderName  string
	RegionCode string
	TimeZone   string
	StationID  string
	Categories []Category
	Markings   []Marking // oldest first
	Visitor    *Assignment
	// VulnerableSince is when the current spell in a category began: a
	// visit is due from that month on.
	VulnerableSince time.Time
	LastVisitAt     time.Time
	// AlertedSince is the quiet spell (LastVisitAt, or VulnerableSince
	// when never visited) the station was last alerted about, so one
	// spell is alerted once.
	AlertedSince time.Time
	event.Outbox
}

// Subject names the care record in events.
func (c *Care) subject() event.Subject { return event.Subject{Kind: "care", ID: c.ElderID} }

// Vulnerable reports whether the elder is in any category.
func (c *Care) Vulnerable() bool { return len(c.Categories) > 0 }

// Location is the elder's zone, in which months are counted.
func (c *Care) Location() *time.Location {
	if loc, err := time.LoadLocation(c.TimeZone); err == nil && c.TimeZone != "" {
		return loc
	}
	return time.UTC
}

// Mark sets the elder's categories (an empty list ends the record's
// spell), by a regulator or a station, with a reason; the station named
// becomes answerable for the visits. It announces EventMarked.
func (c *Care) Mark(cats []Category, by string, role MarkerRole, stationID, reason, eventID string, now time.Time) error {
	var fields []fault.FieldError
	seen := map[Category]bool{}
	clean := make([]Category, 0, len(cats))
	for _, k := range cats {
		if !slices.Contains(Categories, k) {
			fields = append(fields, fault.FieldError{Field: "/categories", Code: "enum"})
			break
		}
		if !seen[k] {
			seen[k] = true
			clean = append(clean, k)
		}
	}
	reason, bad := text.Rule{Max: MaxReason, Required: true}.Clean("/reason", reason)
	if bad != nil {
		fields = append(fields, *bad)
	}
	if len(fields) > 0 {
		return ErrInvalid.WithFields(fields...)
	}
	slices.Sort(clean)
	now = now.UTC()
	was := c.Vulnerable()
	c.Categories = clean
	if stationID != "" {
		c.StationID = stationID
	}
	if !was && c.Vulnerable() {
		c.VulnerableSince = now
		c.AlertedSince = time.Time{}
	}
	c.Markings = append(c.Markings, Marking{Categories: slices.Clone(clean), By: by, Role: role,
		StationID: c.StationID, Reason: reason, At: now})
	e, err := event.New(eventID, EventMarked, c.subject(), now, map[string]string{
		"elderId": c.ElderID, "elder": c.ElderName, "familyId": c.FamilyID, "regionCode": c.RegionCode,
		"stationId": c.StationID, "categories": joinCategories(clean), "role": string(role), "vulnerable": boolString(c.Vulnerable()),
		"month": MonthOf(now, c.Location())})
	if err != nil {
		return err
	}
	c.Record(e)
	return nil
}

// Assign makes userID the elder's visitor; eligibility (staff of the
// station, a verified volunteer) is the caller's to check.
func (c *Care) Assign(userID string, kind VisitorKind, by, eventID string, now time.Time) error {
	if !c.Vulnerable() {
		return ErrNotVulnerable
	}
	if userID == "" || !slices.Contains([]VisitorKind{CommunityWorker, ProviderStaff, ByVolunteer}, kind) {
		return ErrInvalid.WithFields(fault.FieldError{Field: "/kind", Code: "enum"})
	}
	now = now.UTC()
	c.Visitor = &Assignment{UserID: userID, Kind: kind, AssignedBy: by, At: now}
	e, err := event.New(eventID, EventVisitorAssigned, c.subject(), now, map[string]string{
		"elderId": c.ElderID, "elder": c.ElderName, "regionCode": c.RegionCode, "stationId": c.StationID,
		"visitorId":   userID,
		"visitorKind": string(kind)})
	if err != nil {
		return err
	}
	c.Record(e)
	return nil
}

// Visited records a completed visit's time.
func (c *Care) Visited(at time.Time) {
	if at.After(c.LastVisitAt) {
		c.LastVisitAt = at.UTC()
	}
}

// QuietSince is when the elder was last visited, or became vulnerable if
// never visited since.
func (c *Care) QuietSince() time.Time {
	if c.LastVisitAt.After(c.VulnerableSince) {
		return c.LastVisitAt
	}
	return c.VulnerableSince
}

// QuietMonths is how long an elder may go unvisited before the station
// is alerted.
const QuietMonths = 2

// Quiet reports whether a vulnerable elder has gone QuietMonths without a
// visit at now, and was not alerted about this spell yet.
func (c *Care) Quiet(now time.Time) bool {
	since := c.QuietSince()
	return c.Vulnerable() && !since.IsZero() && !since.AddDate(0, QuietMonths, 0).After(now) &&
		!c.AlertedSince.Equal(since)
}

// AlertQuiet records the alert of the current quiet spell to the
// station; false when it was alerted already.
func (c *Care) AlertQuiet(eventID string, now time.Time) (bool, error) {
	if !c.Quiet(now) {
		return false, nil
	}
	since := c.QuietSince()
	c.AlertedSince = since
	e, err := event.New(eventID, EventQuiet, c.subject(), now, map[string]string{
		"elderId": c.ElderID, "elder": c.ElderName, "regionCode": c.RegionCode, "stationId": c.StationID,
		"since": since.In(c.Location()).Format(time.DateOnly), "months": "2"})
	if err != nil {
		return false, err
	}
	c.Record(e)
	return true, nil
}

func joinCategories(cs []Category) string {
	out := ""
	for i, k := range cs {
		if i > 0 {
			out += ","
		}
		out += string(k)
	}
	return out
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
