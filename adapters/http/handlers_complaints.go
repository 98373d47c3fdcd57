package http

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/complaints"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/provider"
)

type complaintHandlers struct{ svc *complaints.Service }

type complaintSubjectJSON struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

type complaintReplyJSON struct {
	Text string    `json:"text"`
	By   string    `json:"by,omitempty"`
	At   time.Time `json:"at"`
	Late bool      `json:"late"`
}

type escalationJSON struct {
	By     string    `json:"by"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

type decisionJSON struct {
	Outcome       string    `json:"outcome"`
	Text          string    `json:"text"`
	At            time.Time `json:"at"`
	Credit        string    `json:"credit,omitempty"`
	CreditPending bool      `json:"creditPending,omitempty"`
}

type complaintJSON struct {
	ID           string               `json:"id"`
	FamilyID     string               `json:"familyId"`
	FiledBy      string               `json:"filedBy"`
	Subject      complaintSubjectJSON `json:"subject"`
	ProviderID   string               `json:"providerId"`
	ProviderName string               `json:"providerName,omitempty"`
	RegionCode   string               `json:"regionCode,omitempty"`
	Category     string               `json:"category"`
	Text         string               `json:"text"`
	PhotoKeys    []string             `json:"photoKeys,omitempty"`
	Desired      string               `json:"desiredResolution"`
	Status       string               `json:"status"`
	FiledAt      time.Time            `json:"filedAt"`
	RespondBy    time.Time            `json:"respondBy"`
	Response     *complaintReplyJSON  `json:"response,omitempty"`
	Escalation   *escalationJSON      `json:"escalation,omitempty"`
	ResolvedAt   *time.Time           `json:"resolvedAt,omitempty"`
	Decision     *decisionJSON        `json:"decision,omitempty"`
}

// toComplaint shows a complaint to one of its parties. Which staff member
// answered is the provider's business; the family sees the provider's
// answer.
func toComplaint(v complaints.View) complaintJSON {
	c := v.Complaint
	s := c.Subject()
	out := complaintJSON{ID: c.ID(), FamilyID: c.FamilyID(), FiledBy: c.FiledBy(),
		Subject:    complaintSubjectJSON{Kind: string(s.Kind), ID: s.ID},
		ProviderID: c.ProviderID(), ProviderName: c.ProviderName(), RegionCode: c.RegionCode(),
		Category: string(c.Category()), Text: c.Text(), PhotoKeys: c.PhotoKeys(), Desired: string(c.Desired()),
		Status: string(c.Status()), FiledAt: c.FiledAt().UTC(), RespondBy: c.RespondBy().UTC(),
		ResolvedAt: optionalTime(c.ResolvedAt())}
	if r, ok := c.Reply(); ok {
		out.Response = &complaintReplyJSON{Text: r.Text, At: r.At.UTC(), Late: r.Late}
		if v.As != complaint.PartyFamily {
			out.Response.By = r.By
		}
	}
	if e, ok := c.Escalation(); ok {
		out.Escalation = &escalationJSON{By: string(e.By), Reason: e.Reason, At: e.At.UTC()}
	}
	if d, ok := c.Decision(); ok {
		out.Decision = &decisionJSON{Outcome: string(d.Outcome), Text: d.Text, At: d.At.UTC(), Credit: string(d.Credit),
			CreditPending: d.CreditPending}
	}
	return out
}

func (h complaintHandlers) file(c *fiber.Ctx) error {
	var req struct {
		Subject   complaintSubjectJSON `json:"subject"`
		FamilyID  string               `json:"familyId"`
		Category  string               `json:"category"`
		Text      string               `json:"text"`
		PhotoKeys []string             `json:"photoKeys"`
		Desired   string               `json:"desiredResolution"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	filed, err := h.svc.File(c.UserContext(), mustActor(c), complaints.FileCommand{
		Subject:  complaint.Subject{Kind: complaint.SubjectKind(req.Subject.Kind), ID: req.Subject.ID},
		FamilyID: req.FamilyID, Category: req.Category, Text: req.Text, PhotoKeys: req.PhotoKeys, Desired: req.Desired})
	if err != nil {
		return err
	}
	c.Location("/v1/complaints/" + filed.ID())
	return c.Status(fiber.StatusCreated).JSON(toComplaint(complaints.View{Complaint: filed, As: complaint.PartyFamily}))
}

func (h complaintHandlers) get(c *fiber.Ctx) error {
	v, err := h.svc.Get(c.UserContext(), mustActor(c), c.Params("complaintId"))
	if err != nil {
		return err
	}
	return c.JSON(toComplaint(v))
}

// step answers a step with the complaint as the caller now sees it.
func (h complaintHandlers) step(do func(c *fiber.Ctx, a actor.Actor, id string) (complaints.View, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		v, err := do(c, mustActor(c), c.Params("complaintId"))
		if err != nil {
			return err
		}
		return c.JSON(toComplaint(v))
	}
}

func (h complaintHandlers) respond(c *fiber.Ctx, a actor.Actor, id string) (complaints.View, error) {
	var req struct {
		Text string `json:"text"`
	}
	if err := decode(c, &req); err != nil {
		return complaints.View{}, err
	}
	return h.svc.Respond(c.UserContext(), a, id, req.Text)
}

func (h complaintHandlers) accept(c *fiber.Ctx, a actor.Actor, id string) (complaints.View, error) {
	return h.svc.Accept(c.UserContext(), a, id)
}

func (h complaintHandlers) escalate(c *fiber.Ctx, a actor.Actor, id string) (complaints.View, error) {
	reason, err := withReason(c)
	if err != nil {
		return complaints.View{}, err
	}
	return h.svc.Escalate(c.UserContext(), a, id, reason)
}

func (h complaintHandlers) decide(c *fiber.Ctx, a actor.Actor, id string) (complaints.View, error) {
	var req struct {
		Outcome string `json:"outcome"`
		Text    string `json:"text"`
		Credit  *struct {
			Status string `json:"status"`
		} `json:"credit"`
	}
	if err := decode(c, &req); err != nil {
		return complaints.View{}, err
	}
	in := complaint.DecisionInput{Outcome: complaint.Outcome(req.Outcome), Text: req.Text}
	if req.Credit != nil {
		in.Credit = provider.Credit(req.Credit.Status)
	}
	return h.svc.Decide(c.UserContext(), a, id, in)
}

func complaintQuery(c *fiber.Ctx) complaints.ListQuery {
	q := complaints.ListQuery{Region: c.Query("region"), Cursor: c.Query("cursor"), Limit: c.QueryInt("limit", 0)}
	for _, s := range strings.Split(c.Query("status"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			q.Statuses = append(q.Statuses, complaint.Status(s))
		}
	}
	return q
}

func (h complaintHandlers) list(get func(c *fiber.Ctx, a actor.Actor, q complaints.ListQuery) (complaints.Page, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := get(c, mustActor(c), complaintQuery(c))
		if err != nil {
			return err
		}
		out := items[complaintJSON]{Items: make([]complaintJSON, len(p.Views)), NextCursor: p.NextCursor}
		for i, v := range p.Views {
			out.Items[i] = toComplaint(v)
		}
		return c.JSON(out)
	}
}

func (h complaintHandlers) familyComplaints(c *fiber.Ctx, a actor.Actor, q complaints.ListQuery) (complaints.Page, error) {
	return h.svc.ForFamily(c.UserContext(), a, c.Params("familyId"), q)
}

func (h complaintHandlers) providerComplaints(c *fiber.Ctx, a actor.Actor, q complaints.ListQuery) (complaints.Page, error) {
	return h.svc.ForProvider(c.UserContext(), a, c.Params("providerId"), q)
}

func (h complaintHandlers) regulatorComplaints(c *fiber.Ctx, a actor.Actor, q complaints.ListQuery) (complaints.Page, error) {
	return h.svc.ForRegulator(c.UserContext(), a, q)
}
