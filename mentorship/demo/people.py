"""The demo's people: the admin, 20 mentors and 40 mentees in time zones around the world."""

from __future__ import annotations

from accounts.models import User
from accounts.services import user_create

DEMO_PASSWORD = "twoway-demo"  # noqa: S105 (documented demo logins)

# (email, full name, time zone, department, job title)
ADMIN = ("admin@example.com", "Alex Morgan", "Europe/London", "People", "Mentoring Program Lead")
# (full name, time zone, department, job title)
MENTORS = [
    ("Amara Okafor", "Africa/Lagos", "Engineering", "Principal Engineer"),
    ("Lars Johansson", "Europe/Stockholm", "Product", "Director of Product"),
    ("Priya Raman", "Asia/Kolkata", "Engineering", "Engineering Manager"),
    ("Diego Fernández", "America/Mexico_City", "Sales", "Regional Sales Lead"),
    ("Hannah Becker", "Europe/Berlin", "People", "Head of Learning"),
    ("Kenji Watanabe", "Asia/Tokyo", "Design", "Design Lead"),
    ("Grace Mensah", "Europe/London", "Finance", "Finance Business Partner"),
    ("Mateus Oliveira", "America/Sao_Paulo", "Engineering", "Staff Engineer"),
    ("Chloé Martin", "Europe/Paris", "Marketing", "Brand Director"),
    ("Samuel Cohen", "America/New_York", "Legal", "Senior Counsel"),
    ("Aisha Rahman", "Asia/Dubai", "Operations", "Operations Manager"),
    ("Tomasz Nowak", "Europe/Warsaw", "Engineering", "Site Reliability Lead"),
    ("Mei Lin", "Asia/Singapore", "Data", "Head of Analytics"),
    ("Olivia Brown", "Australia/Sydney", "Customer Success", "Customer Success Director"),
    ("Rafael Costa", "Europe/Lisbon", "Product", "Senior Product Manager"),
    ("Ingrid Solberg", "Europe/Oslo", "People", "HR Business Partner"),
    ("Jamal Washington", "America/Chicago", "Sales", "VP Sales"),
    ("Sofia Rossi", "Europe/Rome", "Design", "Principal Designer"),
    ("Nikhil Desai", "America/Los_Angeles", "Data", "Machine Learning Lead"),
    ("Emily Clarke", "America/Toronto", "Marketing", "Content Strategy Lead"),
]
MENTEES = [
    ("Noah Schmidt", "Europe/Berlin", "Engineering", "Software Engineer"),
    ("Fatima Zahra", "Africa/Casablanca", "Operations", "Operations Analyst"),
    ("Liam O'Connor", "Europe/Dublin", "Sales", "Account Executive"),
    ("Yuki Tanaka", "Asia/Tokyo", "Engineering", "Junior Developer"),
    ("Zoe Adeyemi", "Europe/London", "Marketing", "Marketing Associate"),
    ("Lucas Moreau", "Europe/Paris", "Product", "Associate Product Manager"),
    ("Ana Souza", "America/Sao_Paulo", "Design", "UX Designer"),
    ("Ethan Walker", "America/New_York", "Finance", "Financial Analyst"),
    ("Isabella García", "Europe/Madrid", "Customer Success", "Customer Success Manager"),
    ("Arjun Mehta", "Asia/Kolkata", "Data", "Data Analyst"),
    ("Chen Wei", "Asia/Shanghai", "Engineering", "QA Engineer"),
    ("Maya Patel", "America/Chicago", "People", "Recruiter"),
    ("Oskar Lindqvist", "Europe/Stockholm", "Engineering", "Backend Developer"),
    ("Leila Haddad", "Asia/Beirut", "Legal", "Paralegal"),
    ("Daniel Kim", "America/Los_Angeles", "Design", "Product Designer"),
    ("Amelia Wilson", "Australia/Melbourne", "Marketing", "Social Media Specialist"),
    ("Mohammed Al-Sayed", "Asia/Riyadh", "Operations", "Logistics Coordinator"),
    ("Hana Novak", "Europe/Prague", "Engineering", "Frontend Developer"),
    ("Gabriel Silva", "Europe/Lisbon", "Sales", "Sales Development Rep"),
    ("Nora Kowalski", "Europe/Warsaw", "Finance", "Accountant"),
    ("Kwame Asante", "Africa/Accra", "Engineering", "DevOps Engineer"),
    ("Elena Petrova", "Europe/Sofia", "Data", "Data Engineer"),
    ("Jack Thompson", "Europe/London", "Product", "Product Analyst"),
    ("Sara Lindgren", "Europe/Helsinki", "People", "People Partner"),
    ("Ravi Shankar", "Asia/Kolkata", "Engineering", "Mobile Developer"),
    ("Camila Torres", "America/Bogota", "Customer Success", "Support Lead"),
    ("Ben Carter", "America/Denver", "Engineering", "Platform Engineer"),
    ("Aiko Suzuki", "Asia/Tokyo", "Marketing", "Growth Marketer"),
    ("Omar Farouk", "Africa/Cairo", "Finance", "Treasury Analyst"),
    ("Julia Hoffmann", "Europe/Vienna", "Legal", "Compliance Specialist"),
    ("Tariq Aziz", "Asia/Karachi", "Data", "BI Developer"),
    ("Lucy Nguyen", "Asia/Ho_Chi_Minh", "Design", "Visual Designer"),
    ("Mason Reed", "America/Phoenix", "Sales", "Solutions Engineer"),
    ("Eva Jansen", "Europe/Amsterdam", "Product", "Product Owner"),
    ("Felipe Ramírez", "America/Santiago", "Operations", "Process Analyst"),
    ("Grace Liu", "America/Vancouver", "Engineering", "Security Engineer"),
    ("Hugo Lefèvre", "Europe/Brussels", "Customer Success", "Onboarding Specialist"),
    ("Ines Duarte", "Atlantic/Azores", "People", "L&D Coordinator"),
    ("Sipho Dlamini", "Africa/Johannesburg", "Engineering", "Data Platform Engineer"),
    ("Rosa Jiménez", "America/Lima", "Marketing", "Events Manager"),
]


def demo_user(
    email: str,
    full_name: str,
    time_zone: str,
    department: str,
    job_title: str,
    *,
    password_hash: str,
) -> tuple[User, bool]:
    """The account with this email, created (verified, with the demo password) if missing."""
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    return (
        user_create(
            email=email,
            full_name=full_name,
            password=None,
            password_hash=password_hash,
            time_zone=time_zone,
            department=department,
            job_title=job_title,
            email_verified=True,
        ),
        True,
    )
