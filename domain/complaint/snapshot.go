package complaint

import (
	"slices"
	"time"

	"github.com/kincare/kincare/domain/event"
)

// Snapshot is a complaint's stored form; the repository adds the version.
type Snapshot struct {
	ID           string
	FamilyID     string
	FiledBy      string
	Subject      Subject
	ProviderID   string
	ProviderName string
	RegionCode   string
	TimeZone     string
	Category     Category
	Text         string
	PhotoKeys    []string
	Desired      Resolution
	Status       Status
	FiledAt      time.Time
	RespondBy    time.Time
	Reply        *Reply
	Escalation   *Escalation
	ResolvedAt   time.Time
	Decision     *Decision
	Pending      []event.Event
}

// Unmarshal rebuilds a stored complaint. It is not a constructor: what
// was valid when stored stays loadable after the rules change.
func Unmarshal(s Snapshot) *Complaint {
	return &Complaint{id: s.ID, familyID: s.FamilyID, filedBy: s.FiledBy, subject: s.Subject, providerID: s.ProviderID,
		providerName: s.ProviderName, regionCode: s.RegionCode, timeZone: s.TimeZone, category: s.Category,
		text: s.Text, photoKeys: slices.Clone(s.PhotoKeys), desired: s.Desired, status: s.Status,
		filedAt: s.FiledAt.UTC(), respondBy: s.RespondBy.UTC(), reply: clonePtr(s.Reply),
		escalation: clonePtr(s.Escalation), resolvedAt: s.ResolvedAt, decision: clonePtr(s.Decision),
		Outbox: event.RestoreOutbox(s.Pending)}
}

// Snapshot is the complaint as stored, pending events included.
func (c *Complaint) Snapshot() Snapshot {
	return Snapshot{ID: c.id, FamilyID: c.familyID, FiledBy: c.filedBy, Subject: c.subject, ProviderID: c.providerID,
		ProviderName: c.providerName, RegionCode: c.regionCode, TimeZone: c.timeZone, Category: c.category,
		Text: c.text, PhotoKeys: slices.Clone(c.photoKeys), Desired: c.desired, Status: c.status,
		FiledAt: c.filedAt, RespondBy: c.respondBy, Reply: clonePtr(c.reply), Escalation: clonePtr(c.escalation),
		ResolvedAt: c.resolvedAt, Decision: clonePtr(c.decision), Pending: c.Pending()}
}
