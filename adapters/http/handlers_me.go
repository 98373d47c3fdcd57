package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/auth"
	"github.com/kincare/kincare/domain/identity"
)

type meHandlers struct{ svc *auth.Service }

// meResponse is the caller's own account: the one place a phone number is
// shown unmasked, because it is the caller's own.
type meResponse struct {
	ID          string   `json:"id"`
	Phone       string   `json:"phone"`
	Roles       []string `json:"roles"`
	Locale      string   `json:"locale"`
	HasPassword bool     `json:"hasPassword"`
	RegionCodes []string `json:"regionCodes,omitempty"`
	// ElderID is the elder whose own account this is.
	ElderID   string    `json:"elderId,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

func toMe(u *identity.User) meResponse {
	return meResponse{ID: u.ID(), Phone: u.Phone().String(), Roles: u.Roles().Strings(), Locale: string(u.Locale()),
		HasPassword: u.HasPassword(), RegionCodes: u.Regions().Strings(), ElderID: u.ElderID(), CreatedAt: u.CreatedAt().UTC()}
}

func (h meHandlers) get(c *fiber.Ctx) error {
	u, err := h.svc.Me(c.UserContext(), mustActor(c))
	if err != nil {
		return err
	}
	return c.JSON(toMe(u))
}

type updateMeRequest struct {
	Locale *string `json:"locale"`
}

func (h meHandlers) update(c *fiber.Ctx) error {
	var req updateMeRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	u, err := h.svc.UpdateMe(c.UserContext(), mustActor(c), auth.UpdateMeCommand{Locale: req.Locale})
	if err != nil {
		return err
	}
	return c.JSON(toMe(u))
}

type passwordRequest struct {
	Password string `json:"password"`
}

func (h meHandlers) setPassword(c *fiber.Ctx) error {
	var req passwordRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := h.svc.SetPassword(c.UserContext(), mustActor(c), req.Password); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type rolesRequest struct {
	Roles []string `json:"roles"`
}

// userResponse is another user as an admin sees them: phone masked.
type userResponse struct {
	ID          string   `json:"id"`
	PhoneMasked string   `json:"phoneMasked"`
	Roles       []string `json:"roles"`
	RegionCodes []string `json:"regionCodes,omitempty"`
}

func toAdminUser(u *identity.User) userResponse {
	return userResponse{ID: u.ID(), PhoneMasked: u.Phone().Masked(), Roles: u.Roles().Strings(),
		RegionCodes: u.Regions().Strings()}
}

func (h meHandlers) setRoles(c *fiber.Ctx) error {
	var req rolesRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	u, err := h.svc.SetRoles(c.UserContext(), mustActor(c), c.Params("id"), req.Roles)
	if err != nil {
		return err
	}
	return c.JSON(toAdminUser(u))
}

type regionsRequest struct {
	RegionCodes []string `json:"regionCodes"`
}

func (h meHandlers) setRegions(c *fiber.Ctx) error {
	var req regionsRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	u, err := h.svc.SetRegions(c.UserContext(), mustActor(c), c.Params("id"), req.RegionCodes)
	if err != nil {
		return err
	}
	return c.JSON(toAdminUser(u))
}
