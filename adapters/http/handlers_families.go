package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/families"
	"github.com/kincare/kincare/domain/consent"
	"github.com/kincare/kincare/domain/family"
)

type familyHandlers struct{ svc *families.Service }

type memberJSON struct {
	UserID   string    `json:"userId"`
	Role     string    `json:"role"`
	Phone    string    `json:"phone"`
	JoinedAt time.Time `json:"joinedAt"`
	You      bool      `json:"you"`
}

type familyJSON struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	TimeZone  string       `json:"timeZone"`
	CreatedAt time.Time    `json:"createdAt"`
	Members   []memberJSON `json:"members"`

	// PhotoKeyPrefix is where the family's uploads go; a complaint's
	// photo keys lie under it.
	PhotoKeyPrefix string `json:"photoKeyPrefix"`
}

func toFamily(v families.View) familyJSON {
	out := familyJSON{ID: v.Family.ID(), Name: v.Family.Name(), TimeZone: v.Family.TimeZone(),
		CreatedAt: v.Family.CreatedAt().UTC(), Members: make([]memberJSON, len(v.Members)),
		PhotoKeyPrefix: family.PhotoPrefix(v.Family.ID())}
	for i, m := range v.Members {
		out.Members[i] = memberJSON{UserID: m.UserID, Role: string(m.Role), Phone: m.Phone, JoinedAt: m.JoinedAt.UTC(), You: m.You}
	}
	return out
}

type familySummaryJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	TimeZone string `json:"timeZone"`
	Role     string `json:"role"`
}

type items[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

func (h familyHandlers) mine(c *fiber.Ctx) error {
	a := mustActor(c)
	fs, err := h.svc.Mine(c.UserContext(), a)
	if err != nil {
		return err
	}
	out := items[familySummaryJSON]{Items: make([]familySummaryJSON, len(fs))}
	for i, f := range fs {
		role, _ := f.RoleOf(a.UserID)
		out.Items[i] = familySummaryJSON{ID: f.ID(), Name: f.Name(), TimeZone: f.TimeZone(), Role: string(role)}
	}
	return c.JSON(out)
}

type familyRequest struct {
	Name     *string `json:"name"`
	TimeZone *string `json:"timeZone"`
}

func (h familyHandlers) create(c *fiber.Ctx) error {
	var req familyRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	tz := ""
	if req.TimeZone != nil {
		tz = *req.TimeZone
	}
	v, err := h.svc.Create(c.UserContext(), mustActor(c), deref(req.Name), tz)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toFamily(v))
}

func (h familyHandlers) get(c *fiber.Ctx) error {
	v, err := h.svc.Get(c.UserContext(), mustActor(c), c.Params("familyId"))
	if err != nil {
		return err
	}
	return c.JSON(toFamily(v))
}

func (h familyHandlers) update(c *fiber.Ctx) error {
	var req familyRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := h.svc.Update(c.UserContext(), mustActor(c), c.Params("familyId"),
		families.UpdateCommand{Name: req.Name, TimeZone: req.TimeZone})
	if err != nil {
		return err
	}
	return c.JSON(toFamily(v))
}

func (h familyHandlers) leave(c *fiber.Ctx) error {
	if err := h.svc.Leave(c.UserContext(), mustActor(c), c.Params("familyId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type roleRequest struct {
	Role string `json:"role"`
}

func (h familyHandlers) changeRole(c *fiber.Ctx) error {
	var req roleRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := h.svc.ChangeMemberRole(c.UserContext(), mustActor(c), c.Params("familyId"), c.Params("userId"), req.Role)
	if err != nil {
		return err
	}
	return c.JSON(toFamily(v))
}

func (h familyHandlers) removeMember(c *fiber.Ctx) error {
	if err := h.svc.RemoveMember(c.UserContext(), mustActor(c), c.Params("familyId"), c.Params("userId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type inviteJSON struct {
	ID        string    `json:"id"`
	FamilyID  string    `json:"familyId"`
	Role      string    `json:"role"`
	ElderID   string    `json:"elderId,omitempty"`
	Phone     string    `json:"phone,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
	Code      string    `json:"code,omitempty"`
	Link      string    `json:"link,omitempty"`
}

func toInvite(inv family.Invite) inviteJSON {
	out := inviteJSON{ID: inv.Digest, FamilyID: inv.FamilyID, Role: string(inv.Role), ElderID: inv.ElderID,
		CreatedAt: inv.CreatedAt.UTC(), ExpiresAt: inv.ExpiresAt.UTC()}
	if inv.Phone != "" {
		out.Phone = inv.Phone.Masked()
	}
	return out
}

type inviteRequest struct {
	Phone string `json:"phone"`
	Role  string `json:"role"`
}

func (h familyHandlers) invite(c *fiber.Ctx) error {
	var req inviteRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	issued, err := h.svc.Invite(c.UserContext(), mustActor(c), c.Params("familyId"),
		families.InviteCommand{Phone: req.Phone, Role: req.Role})
	if err != nil {
		return err
	}
	out := toInvite(issued.Invite)
	out.Code, out.Link = issued.Code, "kincare://invite/"+issued.Code
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h familyHandlers) invites(c *fiber.Ctx) error {
	invs, err := h.svc.Invites(c.UserContext(), mustActor(c), c.Params("familyId"))
	if err != nil {
		return err
	}
	out := items[inviteJSON]{Items: make([]inviteJSON, len(invs))}
	for i, inv := range invs {
		out.Items[i] = toInvite(inv)
	}
	return c.JSON(out)
}

func (h familyHandlers) revokeInvite(c *fiber.Ctx) error {
	if err := h.svc.RevokeInvite(c.UserContext(), mustActor(c), c.Params("familyId"), c.Params("inviteId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type pendingInviteJSON struct {
	Code       string    `json:"code"`
	FamilyID   string    `json:"familyId"`
	FamilyName string    `json:"familyName"`
	Role       string    `json:"role"`
	ElderID    string    `json:"elderId,omitempty"`
	ExpiresAt  time.Time `json:"expiresAt"`
}

func toPending(p families.PendingInvite) pendingInviteJSON {
	return pendingInviteJSON{Code: p.Invite.Code, FamilyID: p.Invite.FamilyID, FamilyName: p.FamilyName,
		Role: string(p.Invite.Role), ElderID: p.Invite.ElderID, ExpiresAt: p.Invite.ExpiresAt.UTC()}
}

func (h familyHandlers) myInvites(c *fiber.Ctx) error {
	ps, err := h.svc.MyInvites(c.UserContext(), mustActor(c))
	if err != nil {
		return err
	}
	out := items[pendingInviteJSON]{Items: make([]pendingInviteJSON, len(ps))}
	for i, p := range ps {
		out.Items[i] = toPending(p)
	}
	return c.JSON(out)
}

func (h familyHandlers) accept(c *fiber.Ctx) error {
	v, err := h.svc.Accept(c.UserContext(), mustActor(c), c.Params("code"))
	if err != nil {
		return err
	}
	return c.JSON(toFamily(v))
}

type consentJSON struct {
	ID            string     `json:"id"`
	Scope         string     `json:"scope"`
	ElderID       string     `json:"elderId,omitempty"`
	GrantedBy     string     `json:"grantedBy"`
	GrantedAt     time.Time  `json:"grantedAt"`
	PolicyVersion string     `json:"policyVersion"`
	InForce       bool       `json:"inForce"`
	WithdrawnAt   *time.Time `json:"withdrawnAt,omitempty"`
}

func toConsent(c consent.Consent) consentJSON {
	out := consentJSON{ID: c.ID, Scope: string(c.Scope), ElderID: c.SubjectID, GrantedBy: c.GrantedBy,
		GrantedAt: c.GrantedAt.UTC(), PolicyVersion: c.PolicyVersion, InForce: c.InForce()}
	if !c.InForce() {
		t := c.WithdrawnAt.UTC()
		out.WithdrawnAt = &t
	}
	return out
}

type consentRequest struct {
	Scope         string `json:"scope"`
	ElderID       string `json:"elderId"`
	PolicyVersion string `json:"policyVersion"`
}

func (h familyHandlers) grantConsent(c *fiber.Ctx) error {
	var req consentRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	granted, err := h.svc.GrantConsent(c.UserContext(), mustActor(c), c.Params("familyId"),
		families.ConsentCommand{Scope: req.Scope, ElderID: req.ElderID, PolicyVersion: req.PolicyVersion})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toConsent(granted))
}

type consentList struct {
	CurrentPolicyVersion string        `json:"currentPolicyVersion"`
	Items                []consentJSON `json:"items"`
}

func (h familyHandlers) consents(c *fiber.Ctx) error {
	cs, err := h.svc.Consents(c.UserContext(), mustActor(c), c.Params("familyId"))
	if err != nil {
		return err
	}
	out := consentList{CurrentPolicyVersion: consent.PolicyVersion, Items: make([]consentJSON, len(cs))}
	for i, x := range cs {
		out.Items[i] = toConsent(x)
	}
	return c.JSON(out)
}

func (h familyHandlers) withdrawConsent(c *fiber.Ctx) error {
	w, err := h.svc.WithdrawConsent(c.UserContext(), mustActor(c), c.Params("familyId"), c.Params("consentId"))
	if err != nil {
		return err
	}
	return c.JSON(toConsent(w))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
