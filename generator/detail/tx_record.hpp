// TxRecord: the compact form of one generated transaction (about 48 bytes),
// held per day until it is turned into a protobuf in emit order.
#pragma once

#include <cstdint>

namespace nexus::generator::detail {

/// Narratives: purpose code and remittance text, by index.
struct Narrative {
  const char* purpose_code;  // ISO 20022 ExternalPurpose1Code, may be empty
  const char* text;
};
inline constexpr Narrative kNarratives[] = {
    {"", ""},
    {"SALA", "Salary payment"},
    {"RENT", "Monthly rent"},
    {"GDDS", "Invoice settlement"},
    {"SUPP", "Supplier payment"},
    {"FAMI", "Family support"},
    {"GIFT", "Birthday gift"},
    {"BEXP", "Business expenses"},
    {"LOAN", "Loan repayment"},
    {"CHAR", "Donation"},
    {"", "Thanks for dinner"},
    {"", "Shared bills"},
    {"FAMI", "School fees"},
    {"GDDS", "Goods purchase"},
    {"", "Cash deposit"},
    {"", "ATM withdrawal"},
    {"", "Wallet top-up"},
    {"CHAR", "Relief fund donation"},
    {"SUPP", "Consulting services"},
    {"", "Medical support"},
    // Planted only: recruitment and visa fees (HT-RECRUITMENT-FEES).
    {"", "Recruitment fee"},
    {"", "Visa fee"},
    {"", "Job placement fee"},
    // Planted only: terrorist-group fundraising (TF-NARRATIVE-KEYWORDS).
    {"CHAR", "Support the fighters"},
    {"", "Equip a fighter"},
    {"CHAR", "For the mujahideen"},
    // Planted only: sale of persons (NX-PERSONS-SALE).
    {"", "Bride price"},
    {"", "Dowry for the bride"},
    {"",
     "\xd9\x85\xd9\x87\xd8\xb1 \xd8\xa7\xd9\x84\xd8\xb9\xd8\xb1\xd9\x88\xd8\xb3"},  // "mahr
                                                                                    // al-'arus",
                                                                                    // bride price
    {"", "Household expenses"},
    {"", "Transfer to own account"},
};
inline constexpr uint8_t kNarrativeNone = 0;
inline constexpr uint8_t kNarrativeSalary = 1;
inline constexpr uint8_t kNarrativeRent = 2;
inline constexpr uint8_t kNarrativeInvoice = 3;
inline constexpr uint8_t kNarrativeSupplier = 4;
inline constexpr uint8_t kNarrativeFamily = 5;
inline constexpr uint8_t kNarrativeGift = 6;
inline constexpr uint8_t kNarrativeLoan = 8;
inline constexpr uint8_t kNarrativeDonation = 9;
inline constexpr uint8_t kNarrativeDinner = 10;
inline constexpr uint8_t kNarrativeShared = 11;
inline constexpr uint8_t kNarrativeGoods = 13;
inline constexpr uint8_t kNarrativeCashDeposit = 14;
inline constexpr uint8_t kNarrativeAtm = 15;
inline constexpr uint8_t kNarrativeTopUp = 16;
inline constexpr uint8_t kNarrativeRelief = 17;
inline constexpr uint8_t kNarrativeConsulting = 18;
inline constexpr uint8_t kNarrativeMedical = 19;
inline constexpr uint8_t kNarrativeRecruitmentFirst = 20;  // 3 recruitment-fee narratives
inline constexpr uint8_t kNarrativeTerrorFirst = 23;       // 3 terrorist-fundraising narratives
inline constexpr uint8_t kNarrativePersonsSaleFirst = 26;  // 3 sale-of-persons narratives
inline constexpr uint8_t kNarrativeHousehold = 29;
inline constexpr uint8_t kNarrativeOwnAccount = 30;

/// Flag bits of TxRecord::flags.
inline constexpr uint8_t kOriginatorCash = 1;   // originator is the holder's cash ("CASH-...")
inline constexpr uint8_t kBeneficiaryCash = 2;  // beneficiary is the holder's cash
inline constexpr uint8_t kWithDevice = 4;       // carries the originator's device id

inline constexpr int32_t kBackground = -1;

struct TxRecord {
  int64_t time_ms = 0;
  int64_t amount_minor = 0;
  uint64_t seq = 0;                // unique; ties on time_ms keep creation order
  uint32_t originator = 0;         // World profile index
  uint32_t beneficiary = 0;        // World profile index
  uint32_t location = 0;           // cash location number, 0 = none
  int32_t scenario = kBackground;  // label index, or kBackground
  uint8_t channel = 0;             // nexus::v1::Channel
  uint8_t currency = 0;            // index in kCurrencies
  uint8_t narrative = 0;           // index in kNarratives
  uint8_t flags = 0;
};

inline bool emit_order(const TxRecord& a, const TxRecord& b) {
  return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : a.seq < b.seq;
}

inline constexpr int64_t kMinuteMs = 60'000;
inline constexpr int64_t kHourMs = 3'600'000;
inline constexpr int64_t kDayMs = 86'400'000;

}  // namespace nexus::generator::detail
