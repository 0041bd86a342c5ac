// Parser for the Segmint segment language. Precedence, loosest first:
// or; and; not; comparisons and other predicates; + -; * / %; unary -.
// src/syntax splits a file at each `segment` keyword and parses every definition on its own with `definitionOnly`,
// so one mistake never hides the errors of the next definition.
parser grammar SegmintParser;

options { tokenVocab = SegmintLexer; }

definitionOnly : definition EOF;

definition : SEGMENT name STRING? COLON expr;

expr : andExpr (OR andExpr)*;

andExpr : notExpr (AND notExpr)*;

// Prefix operators are rules of their own so the nesting guard in src/syntax can count them as they are entered.
notExpr : notOperator | predicate;
notOperator : NOT notExpr;

// Left-factored: the operand is parsed first and the suffix is chosen by one or two tokens of lookahead, so
// prediction never scans a whole sub-expression.
predicate : additive predicateSuffix?;

predicateSuffix
    : comparisonOperator additive                                     # comparison
    | NOT? BETWEEN additive AND additive                              # between
    | NOT? IN LPAREN expr (COMMA expr)* COMMA? RPAREN                 # inList
    | IS NOT? KW_NULL                                                    # isNull
    | CONTAINS quantifier=(ANY | ALL) LPAREN expr (COMMA expr)* COMMA? RPAREN # containsList
    | NOT? textOperator additive                                      # textMatch
    | WITHIN LAST duration                                            # withinLast
    | timeOrder=(BEFORE | AFTER) additive                             # beforeAfter
    ;

comparisonOperator : EQ | NEQ | LT | LE | GT | GE;

textOperator : CONTAINS | STARTS WITH | ENDS WITH | MATCHES;

additive : multiplicative (additiveOperator multiplicative)*;
additiveOperator : PLUS | MINUS;

multiplicative : unary (multiplicativeOperator unary)*;
multiplicativeOperator : STAR | SLASH | PERCENT;

unary : negation | primary;
negation : MINUS unary;

primary
    : literal                                        # literalPrimary
    | duration                                       # durationPrimary
    | TODAY                                          # todayPrimary
    | NOW                                            # nowPrimary
    | callee LPAREN (expr (COMMA expr)*)? (WHERE expr)? RPAREN     # call
    | name                                           # reference
    | QUALIFIED_NAME                                 # qualifiedReference
    | LPAREN expr RPAREN                             # parenthesized
    ;

duration : INTEGER unit=(SECOND_UNIT | MINUTE_UNIT | HOUR_UNIT | DAY_UNIT | WEEK_UNIT | MONTH_UNIT | YEAR_UNIT);

literal : INTEGER | DECIMAL | STRING | KW_TRUE | KW_FALSE | KW_NULL | DATE | TIMESTAMP;

name : IDENTIFIER | QUOTED_IDENTIFIER;

// `month(...)` and `year(...)` are functions although `month` and `year` are also time units; `last(...)` is an event
// aggregate although `last` is a keyword. An aggregate's one argument is an event table or column with an optional
// window (`orders within last 90 days` parses as a predicate; src/syntax takes it apart), then `where` and a condition
// that runs to the closing parenthesis.
callee : name | LAST | SECOND_UNIT | MINUTE_UNIT | HOUR_UNIT | DAY_UNIT | WEEK_UNIT | MONTH_UNIT | YEAR_UNIT;
