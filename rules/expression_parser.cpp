#include "rules/expression_parser.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

namespace nexus::rules {

namespace {

enum class Tok {
  kEnd,
  kIdent,
  kNumber,
  kString,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kOp,  // == != < <= > >= + - * /
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier, operator or decoded string
  double number = 0;
  size_t begin = 0;
  size_t end = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  ParseOutcome run() {
    if (text_.size() > kMaxConditionBytes) {
      set_error(0, "condition is " + std::to_string(text_.size()) + " bytes; the limit is " +
                       std::to_string(kMaxConditionBytes) +
                       ": put long value sets in a '- list:' and test with 'in'");
      return fail();
    }
    if (!tokenize()) return fail();
    auto expr = parse_or();
    if (!expr) return fail();
    if (peek().kind != Tok::kEnd) {
      set_error(peek().begin, "unexpected '" + peek().text + "' after the end of the expression");
      return fail();
    }
    return ParseOutcome{std::move(expr), {}};
  }

 private:
  using ExprPtr = std::unique_ptr<Expr>;

  ParseOutcome fail() { return ParseOutcome{nullptr, error_}; }

  void set_error(size_t offset, std::string message) {
    if (!failed_) {
      failed_ = true;
      error_ = ParseError{offset, std::move(message)};
    }
  }

  bool tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token token;
      token.begin = i;
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t j = i;
        while (j < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '_')) {
          ++j;
        }
        token.kind = Tok::kIdent;
        token.text = std::string(text_.substr(i, j - i));
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        size_t j = i;
        while (j < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[j])) ||
                                    text_[j] == '.' || text_[j] == '_')) {
          ++j;
        }
        std::string digits;
        for (size_t k = i; k < j; ++k) {
          if (text_[k] != '_') digits.push_back(text_[k]);  // 10_000 reads as 10000
        }
        auto [end, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), token.number);
        if (ec != std::errc() || end != digits.data() + digits.size()) {
          set_error(i, "malformed number '" + std::string(text_.substr(i, j - i)) + "'");
          return false;
        }
        token.kind = Tok::kNumber;
        token.text = std::string(text_.substr(i, j - i));
        i = j;
      } else if (c == '"' || c == '\'') {
        size_t j = i + 1;
        std::string value;
        while (j < text_.size() && text_[j] != c) {
          if (text_[j] == '\\' && j + 1 < text_.size()) ++j;
          value.push_back(text_[j]);
          ++j;
        }
        if (j >= text_.size()) {
          set_error(i, "string is not closed: add a matching " + std::string(1, c));
          return false;
        }
        token.kind = Tok::kString;
        token.text = std::move(value);
        i = j + 1;
      } else {
        const std::string_view two = text_.substr(i, 2);
        if (two == "==" || two == "!=" || two == "<=" || two == ">=") {
          token.kind = Tok::kOp;
          token.text = std::string(two);
          i += 2;
        } else if (c == '<' || c == '>' || c == '+' || c == '-' || c == '*' || c == '/') {
          token.kind = Tok::kOp;
          token.text = std::string(1, c);
          ++i;
        } else if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',' || c == '.') {
          token.kind = c == '('   ? Tok::kLParen
                       : c == ')' ? Tok::kRParen
                       : c == '[' ? Tok::kLBracket
                       : c == ']' ? Tok::kRBracket
                       : c == ',' ? Tok::kComma
                                  : Tok::kDot;
          token.text = std::string(1, c);
          ++i;
        } else if (c == '=') {
          set_error(i, "'=' is not an operator: use '==' to compare");
          return false;
        } else {
          set_error(i, "unexpected character '" + std::string(1, c) + "'");
          return false;
        }
      }
      token.end = i;
      tokens_.push_back(std::move(token));
    }
    Token end;
    end.kind = Tok::kEnd;
    end.begin = end.end = text_.size();
    end.text = "end of expression";
    tokens_.push_back(end);
    return true;
  }

  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& next() {
    const Token& token = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return token;
  }
  bool is_keyword(const Token& token, std::string_view word) const {
    return token.kind == Tok::kIdent && token.text == word;
  }

  // Counts how deep the recursive descent is; refuses past kMaxConditionNesting, so no
  // input can exhaust the stack.
  class Nest {
   public:
    explicit Nest(Parser& parser) : parser_(parser) { ++parser_.nesting_; }
    ~Nest() { --parser_.nesting_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;
    bool too_deep(size_t offset) {
      if (parser_.nesting_ <= kMaxConditionNesting) return false;
      parser_.set_error(offset, "nested more than " + std::to_string(kMaxConditionNesting) +
                                    " deep (parentheses, not, minus, calls): split the condition "
                                    "into flags or several rules");
      return true;
    }

   private:
    Parser& parser_;
  };

  // Sets a node's depth from its operands; refuses a tree taller than kMaxConditionDepth.
  bool deepen(Expr* expr) {
    int depth = 0;
    for (const auto& arg : expr->args) depth = std::max(depth, arg->depth);
    expr->depth = depth + 1;
    if (expr->depth <= kMaxConditionDepth) return true;
    set_error(static_cast<size_t>(expr->pos.column),
              "condition is more than " + std::to_string(kMaxConditionDepth) +
                  " terms deep: join value tests with 'in [...]' or a '- list:', or split the "
                  "rule");
    return false;
  }

  ExprPtr make(Expr::Kind kind, size_t begin) {
    auto expr = std::make_unique<Expr>();
    expr->kind = kind;
    expr->pos.column = static_cast<int>(begin);
    return expr;
  }
  void finish(Expr* expr, size_t begin) {
    const size_t end = tokens_[pos_ == 0 ? 0 : pos_ - 1].end;
    expr->text = std::string(text_.substr(begin, end > begin ? end - begin : 0));
  }

  ExprPtr binary(Op op, ExprPtr lhs, ExprPtr rhs, size_t begin) {
    auto expr = make(Expr::Kind::kBinary, begin);
    expr->op = op;
    expr->args.push_back(std::move(lhs));
    expr->args.push_back(std::move(rhs));
    if (!deepen(expr.get())) return nullptr;
    finish(expr.get(), begin);
    return expr;
  }

  ExprPtr parse_or() {
    const size_t begin = peek().begin;
    Nest nest(*this);
    if (nest.too_deep(begin)) return nullptr;
    auto lhs = parse_and();
    while (lhs && is_keyword(peek(), "or")) {
      next();
      auto rhs = parse_and();
      if (!rhs) return nullptr;
      lhs = binary(Op::kOr, std::move(lhs), std::move(rhs), begin);
    }
    return lhs;
  }

  ExprPtr parse_and() {
    const size_t begin = peek().begin;
    auto lhs = parse_not();
    while (lhs && is_keyword(peek(), "and")) {
      next();
      auto rhs = parse_not();
      if (!rhs) return nullptr;
      lhs = binary(Op::kAnd, std::move(lhs), std::move(rhs), begin);
    }
    return lhs;
  }

  ExprPtr parse_not() {
    const size_t begin = peek().begin;
    if (is_keyword(peek(), "not")) {
      next();
      Nest nest(*this);
      if (nest.too_deep(begin)) return nullptr;
      auto operand = parse_not();
      if (!operand) return nullptr;
      auto expr = make(Expr::Kind::kUnary, begin);
      expr->op = Op::kNot;
      expr->args.push_back(std::move(operand));
      if (!deepen(expr.get())) return nullptr;
      finish(expr.get(), begin);
      return expr;
    }
    return parse_comparison();
  }

  ExprPtr parse_comparison() {
    const size_t begin = peek().begin;
    auto lhs = parse_additive();
    if (!lhs) return nullptr;
    const Token& token = peek();
    Op op;
    if (token.kind == Tok::kOp && token.text == "==") {
      op = Op::kEq;
    } else if (token.kind == Tok::kOp && token.text == "!=") {
      op = Op::kNe;
    } else if (token.kind == Tok::kOp && token.text == "<") {
      op = Op::kLt;
    } else if (token.kind == Tok::kOp && token.text == "<=") {
      op = Op::kLe;
    } else if (token.kind == Tok::kOp && token.text == ">") {
      op = Op::kGt;
    } else if (token.kind == Tok::kOp && token.text == ">=") {
      op = Op::kGe;
    } else if (is_keyword(token, "in")) {
      op = Op::kIn;
    } else if (is_keyword(token, "not") && is_keyword(peek(1), "in")) {
      next();
      op = Op::kNotIn;
    } else if (is_keyword(token, "contains")) {
      op = Op::kContains;
    } else if (is_keyword(token, "startswith")) {
      op = Op::kStartsWith;
    } else if (is_keyword(token, "endswith")) {
      op = Op::kEndsWith;
    } else if (is_keyword(token, "matches")) {
      op = Op::kMatches;
    } else {
      return lhs;
    }
    next();
    auto rhs = parse_additive();
    if (!rhs) return nullptr;
    auto expr = binary(op, std::move(lhs), std::move(rhs), begin);
    if (!expr) return nullptr;
    if (peek().kind == Tok::kOp && (peek().text == "==" || peek().text == "!=" ||
                                    peek().text[0] == '<' || peek().text[0] == '>')) {
      set_error(peek().begin, "comparisons do not chain: join them with 'and'");
      return nullptr;
    }
    return expr;
  }

  ExprPtr parse_additive() {
    const size_t begin = peek().begin;
    auto lhs = parse_multiplicative();
    while (lhs && peek().kind == Tok::kOp && (peek().text == "+" || peek().text == "-")) {
      const Op op = next().text == "+" ? Op::kAdd : Op::kSub;
      auto rhs = parse_multiplicative();
      if (!rhs) return nullptr;
      lhs = binary(op, std::move(lhs), std::move(rhs), begin);
    }
    return lhs;
  }

  ExprPtr parse_multiplicative() {
    const size_t begin = peek().begin;
    auto lhs = parse_unary();
    while (lhs && peek().kind == Tok::kOp && (peek().text == "*" || peek().text == "/")) {
      const Op op = next().text == "*" ? Op::kMul : Op::kDiv;
      auto rhs = parse_unary();
      if (!rhs) return nullptr;
      lhs = binary(op, std::move(lhs), std::move(rhs), begin);
    }
    return lhs;
  }

  ExprPtr parse_unary() {
    const size_t begin = peek().begin;
    if (peek().kind == Tok::kOp && peek().text == "-") {
      next();
      Nest nest(*this);
      if (nest.too_deep(begin)) return nullptr;
      auto operand = parse_unary();
      if (!operand) return nullptr;
      auto expr = make(Expr::Kind::kUnary, begin);
      expr->op = Op::kNeg;
      expr->args.push_back(std::move(operand));
      if (!deepen(expr.get())) return nullptr;
      finish(expr.get(), begin);
      return expr;
    }
    return parse_primary();
  }

  ExprPtr parse_primary() {
    const Token token = peek();
    const size_t begin = token.begin;
    switch (token.kind) {
      case Tok::kNumber: {
        next();
        auto expr = make(Expr::Kind::kNumber, begin);
        expr->number = token.number;
        finish(expr.get(), begin);
        return expr;
      }
      case Tok::kString: {
        next();
        auto expr = make(Expr::Kind::kString, begin);
        expr->string = token.text;
        finish(expr.get(), begin);
        return expr;
      }
      case Tok::kLParen: {
        next();
        auto inner = parse_or();
        if (!inner) return nullptr;
        if (peek().kind != Tok::kRParen) {
          set_error(peek().begin,
                    "expected ')' to close the '(' at offset " + std::to_string(begin));
          return nullptr;
        }
        next();
        return inner;
      }
      case Tok::kLBracket:
        return parse_list_literal();
      case Tok::kIdent:
        return parse_identifier();
      default:
        set_error(begin, "expected a value, a field or '(' but found '" + token.text + "'");
        return nullptr;
    }
  }

  ExprPtr parse_list_literal() {
    const size_t begin = next().begin;
    auto expr = make(Expr::Kind::kList, begin);
    while (peek().kind != Tok::kRBracket) {
      auto item = parse_unary();
      if (!item) return nullptr;
      if (item->kind != Expr::Kind::kString && item->kind != Expr::Kind::kNumber) {
        set_error(static_cast<size_t>(item->pos.column), "list items must be strings or numbers");
        return nullptr;
      }
      expr->args.push_back(std::move(item));
      if (peek().kind == Tok::kComma) {
        next();
      } else if (peek().kind != Tok::kRBracket) {
        set_error(peek().begin, "expected ',' or ']' in the list");
        return nullptr;
      }
    }
    next();
    if (!deepen(expr.get())) return nullptr;
    finish(expr.get(), begin);
    return expr;
  }

  ExprPtr parse_identifier() {
    const Token first = next();
    const size_t begin = first.begin;
    if (first.text == "true" || first.text == "false") {
      auto expr = make(Expr::Kind::kBool, begin);
      expr->boolean = first.text == "true";
      finish(expr.get(), begin);
      return expr;
    }
    if (peek().kind == Tok::kLParen) return parse_call(first);
    if (first.text == "agg") return parse_aggregate_ref(begin);
    if (first.text == "flag" && peek().kind == Tok::kDot) return parse_flag_ref(begin);
    std::string path = first.text;
    while (peek().kind == Tok::kDot) {
      next();
      if (peek().kind != Tok::kIdent) {
        set_error(peek().begin, "expected a field name after '.'");
        return nullptr;
      }
      path += "." + next().text;
    }
    auto expr = make(Expr::Kind::kField, begin);
    expr->field.path = std::move(path);
    finish(expr.get(), begin);
    return expr;
  }

  ExprPtr parse_aggregate_ref(size_t begin) {
    auto expr = make(Expr::Kind::kAggregate, begin);
    if (peek().kind != Tok::kDot || peek(1).kind != Tok::kIdent) {
      set_error(peek().begin, "expected agg.<aggregate>.<measure>, e.g. agg.outbound_1h.count");
      return nullptr;
    }
    next();
    expr->string = next().text;
    if (peek().kind == Tok::kLBracket) {
      next();
      auto key = parse_or();
      if (!key) return nullptr;
      if (peek().kind != Tok::kRBracket) {
        set_error(peek().begin, "expected ']' after the aggregate key");
        return nullptr;
      }
      next();
      expr->args.push_back(std::move(key));
      if (!deepen(expr.get())) return nullptr;
    }
    if (peek().kind != Tok::kDot || peek(1).kind != Tok::kIdent) {
      set_error(peek().begin, "expected .<measure> after agg." + expr->string +
                                  ", e.g. .count or .sum_amount_usd");
      return nullptr;
    }
    next();
    expr->field.path = next().text;
    finish(expr.get(), begin);
    return expr;
  }

  // flag.NAME[key]: whether the key (an account) carries the flag.
  ExprPtr parse_flag_ref(size_t begin) {
    auto expr = make(Expr::Kind::kFlag, begin);
    next();  // .
    if (peek().kind != Tok::kIdent) {
      set_error(peek().begin,
                "expected flag.<flag>[<account>], e.g. flag.trafficking[beneficiary.account]");
      return nullptr;
    }
    expr->string = next().text;
    if (peek().kind != Tok::kLBracket) {
      set_error(peek().begin, "expected [<account>] after flag." + expr->string + ", e.g. flag." +
                                  expr->string + "[beneficiary.account]");
      return nullptr;
    }
    next();
    auto key = parse_or();
    if (!key) return nullptr;
    if (peek().kind != Tok::kRBracket) {
      set_error(peek().begin, "expected ']' after the flag's account");
      return nullptr;
    }
    next();
    expr->args.push_back(std::move(key));
    if (!deepen(expr.get())) return nullptr;
    finish(expr.get(), begin);
    return expr;
  }

  ExprPtr parse_call(const Token& name) {
    const size_t begin = name.begin;
    auto expr = make(Expr::Kind::kCall, begin);
    expr->string = name.text;
    next();  // (
    while (peek().kind != Tok::kRParen) {
      auto arg = parse_or();
      if (!arg) return nullptr;
      expr->args.push_back(std::move(arg));
      if (peek().kind == Tok::kComma) {
        next();
      } else if (peek().kind != Tok::kRParen) {
        set_error(peek().begin, "expected ',' or ')' in the call to " + name.text);
        return nullptr;
      }
    }
    next();
    if (!deepen(expr.get())) return nullptr;
    finish(expr.get(), begin);
    return expr;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int nesting_ = 0;
  bool failed_ = false;
  ParseError error_;
};

}  // namespace

ParseOutcome parse_expression(std::string_view text) { return Parser(text).run(); }

}  // namespace nexus::rules
