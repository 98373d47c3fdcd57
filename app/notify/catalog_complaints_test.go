package notify

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/provider"
)

// complaintEvents walks two complaints through every step, as the domain
// announces them.
func complaintEvents(t *testing.T, now time.Time, newID func() string) []event.Event {
	t.Helper()
	file := func(id string) *complaint.Complaint {
		c, err := complaint.New(complaint.Draft{ID: id, FamilyID: "fam", FiledBy: "owner",
			Subject: complaint.Subject{Kind: complaint.AboutOrder, ID: "o-" + id}, ProviderID: "prov",
			ProviderName: "幸福里养老服务中心", RegionCode: "310104", TimeZone: "Asia/Shanghai",
			Category: complaint.CategoryServiceQuality, Text: "服务过程很匆忙", Desired: complaint.WantApology}, newID(), now)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	settled, decided := file("c1"), file("c2")
	steps := []error{
		settled.Respond(complaint.ByProvider("office"), "抱歉", newID(), now.Add(time.Hour)),
		settled.Accept(complaint.ByFamily("owner"), newID(), now.Add(2*time.Hour)),
		decided.Escalate(complaint.BySystem, "", newID(), decided.RespondBy()),
		decided.Decide(complaint.ByRegulator("reg"), complaint.DecisionInput{Outcome: complaint.Upheld, Text: "属实",
			Credit: provider.CreditNormal}, newID(), decided.RespondBy().Add(time.Hour)),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	return append(settled.Pending(), decided.Pending()...)
}
