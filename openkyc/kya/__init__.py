"""KYA (know your applicant, basic profile): e-mail, phone, IP country, declared vs document."""
