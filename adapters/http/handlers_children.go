package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/children"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/child"
)

type childHandlers struct{ svc *children.Service }

type childRequest struct {
	Name        *string `json:"name"`
	BirthDate   *string `json:"birthDate"`
	Gender      *string `json:"gender"`
	Allergies   *string `json:"allergies"`
	HealthNotes *string `json:"healthNotes"`
}

func (r childRequest) input() children.ProfileInput {
	return children.ProfileInput{Name: r.Name, BirthDate: r.BirthDate, Gender: r.Gender, Allergies: r.Allergies,
		HealthNotes: r.HealthNotes}
}

type pickupJSON struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Relation string    `json:"relation"`
	Phone    string    `json:"phone"`
	IDLast4  string    `json:"idLast4"`
	PhotoRef string    `json:"photoRef,omitempty"`
	AddedBy  string    `json:"addedBy"`
	AddedAt  time.Time `json:"addedAt"`
	// ExpiresAt ends a one-time authorization.
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// toPickup masks the phone: pickup persons are often not family members.
func toPickup(p child.PickupPerson) pickupJSON {
	return pickupJSON{ID: p.ID, Name: p.Name, Relation: p.Relation, Phone: p.Phone.Masked(), IDLast4: p.IDLast4,
		PhotoRef: p.PhotoRef, AddedBy: p.AddedBy, AddedAt: p.AddedAt.UTC(), ExpiresAt: optUTC(p.ExpiresAt)}
}

type childJSON struct {
	ID            string       `json:"id"`
	FamilyID      string       `json:"familyId"`
	Name          string       `json:"name"`
	BirthDate     string       `json:"birthDate"`
	AgeMonths     int          `json:"ageMonths"`
	Gender        string       `json:"gender"`
	Allergies     string       `json:"allergies,omitempty"`
	HealthNotes   string       `json:"healthNotes,omitempty"`
	PickupPersons []pickupJSON `json:"pickupPersons"`
	CreatedAt     time.Time    `json:"createdAt"`

	// PhotoKeyPrefix is where pickup persons' photos go; a photoRef is a
	// key under it.
	PhotoKeyPrefix string `json:"photoKeyPrefix"`
}

func toChild(v children.View) childJSON {
	c, p := v.Child, v.Child.Profile
	out := childJSON{ID: c.ID, FamilyID: c.FamilyID, Name: p.Name, BirthDate: p.BirthDate.String(), AgeMonths: v.AgeMonths,
		Gender: string(p.Gender), Allergies: p.Allergies, HealthNotes: p.HealthNotes, CreatedAt: c.CreatedAt.UTC(),
		PickupPersons: make([]pickupJSON, len(c.PickupPersons)), PhotoKeyPrefix: child.PhotoPrefix(c.ID)}
	for i, pp := range c.PickupPersons {
		out.PickupPersons[i] = toPickup(pp)
	}
	return out
}

func (h childHandlers) create(c *fiber.Ctx) error {
	var req childRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := h.svc.Create(c.UserContext(), mustActor(c), c.Params("familyId"), req.input())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toChild(v))
}

func (h childHandlers) get(c *fiber.Ctx) error {
	v, err := h.svc.Get(c.UserContext(), mustActor(c), c.Params("childId"))
	if err != nil {
		return err
	}
	return c.JSON(toChild(v))
}

func (h childHandlers) list(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	vs, more, err := h.svc.List(c.UserContext(), mustActor(c), c.Params("familyId"), p)
	if err != nil {
		return err
	}
	out := items[childJSON]{Items: make([]childJSON, len(vs))}
	for i, v := range vs {
		out.Items[i] = toChild(v)
	}
	if len(vs) > 0 {
		out.NextCursor = page.Cursor(vs[len(vs)-1].Child.ID, more)
	}
	return c.JSON(out)
}

func (h childHandlers) update(c *fiber.Ctx) error {
	var req childRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := h.svc.Update(c.UserContext(), mustActor(c), c.Params("childId"), req.input())
	if err != nil {
		return err
	}
	return c.JSON(toChild(v))
}

func (h childHandlers) delete(c *fiber.Ctx) error {
	if err := h.svc.Delete(c.UserContext(), mustActor(c), c.Params("childId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type pickupRequest struct {
	Name     string `json:"name"`
	Relation string `json:"relation"`
	Phone    string `json:"phone"`
	IDLast4  string `json:"idLast4"`
	PhotoRef string `json:"photoRef"`
}

func (h childHandlers) addPickup(c *fiber.Ctx) error {
	var req pickupRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	p, err := h.svc.AddPickup(c.UserContext(), mustActor(c), c.Params("childId"), children.PickupInput{
		Name: req.Name, Relation: req.Relation, Phone: req.Phone, IDLast4: req.IDLast4, PhotoRef: req.PhotoRef})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toPickup(p))
}

func (h childHandlers) removePickup(c *fiber.Ctx) error {
	if err := h.svc.RemovePickup(c.UserContext(), mustActor(c), c.Params("childId"), c.Params("pickupId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
