// Lexer for the Segmint segment language (see docs/language.md).
// Keywords are case-insensitive: ANTLR 4.7 has no caseInsensitive option, so each is spelled with letter fragments.
// The lexer never fails: anything it cannot match becomes an ERROR_CHAR / UNTERMINATED_STRING token that
// src/syntax reports with its location and removes before the parser runs.
lexer grammar SegmintLexer;

SEGMENT   : S E G M E N T;
AND       : A N D;
OR        : O R;
NOT       : N O T;
IN        : I N;
IS        : I S;
KW_NULL   : N U L L;
KW_TRUE   : T R U E;
KW_FALSE  : F A L S E;
BETWEEN   : B E T W E E N;
CONTAINS  : C O N T A I N S;
ANY       : A N Y;
ALL       : A L L;
STARTS    : S T A R T S;
ENDS      : E N D S;
WITH      : W I T H;
MATCHES   : M A T C H E S;
TODAY     : T O D A Y;
NOW       : N O W;
WITHIN    : W I T H I N;
LAST      : L A S T;
BEFORE    : B E F O R E;
AFTER     : A F T E R;
// Starts the condition of an event aggregate: `count(orders where channel = "web")`.
WHERE     : W H E R E;

// Duration units, singular and plural.
SECOND_UNIT : S E C O N D S?;
MINUTE_UNIT : M I N U T E S?;
HOUR_UNIT   : H O U R S?;
DAY_UNIT    : D A Y S?;
WEEK_UNIT   : W E E K S?;
MONTH_UNIT  : M O N T H S?;
YEAR_UNIT   : Y E A R S?;

LPAREN : '(';
RPAREN : ')';
COMMA  : ',';
COLON  : ':';
EQ     : '=';
NEQ    : '!=' | '<>';
LE     : '<=';
GE     : '>=';
LT     : '<';
GT     : '>';
PLUS   : '+';
MINUS  : '-';
STAR   : '*';
SLASH  : '/';
PERCENT: '%';

// ISO 8601: a timestamp is a date, 'T', a time, and an optional zone (UTC when absent).
TIMESTAMP : DIGIT4 '-' DIGIT2 '-' DIGIT2 [Tt] DIGIT2 ':' DIGIT2 (':' DIGIT2 ('.' DIGIT+)?)? ([Zz] | [+-] DIGIT2 ':' DIGIT2)?;
DATE      : DIGIT4 '-' DIGIT2 '-' DIGIT2;
DECIMAL   : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT;
INTEGER   : DIGITS;

STRING
    : '"' (ESCAPE | ~["\\\r\n])* '"'
    | '\'' (ESCAPE | ~['\\\r\n])* '\''
    ;
// A quote that is not closed on its line; reported at the opening quote.
UNTERMINATED_STRING
    : '"' (ESCAPE | ~["\\\r\n])*
    | '\'' (ESCAPE | ~['\\\r\n])*
    ;

// `orders.amount`: a column of an event table, read by an aggregate. One token, so `1.`, `x.` and runs of dots stay
// the stray characters they were; either part may be in backquotes.
QUALIFIED_NAME    : NAME_PART '.' NAME_PART;
IDENTIFIER        : [a-zA-Z_] [a-zA-Z_0-9]*;
// `name` lets a column whose name is a keyword be used anyway.
QUOTED_IDENTIFIER : '`' ~[`\r\n]+ '`';

COMMENT    : ('#' | '//') ~[\r\n]* -> channel(HIDDEN);
WHITESPACE : [ \t\r\n\f]+ -> channel(HIDDEN);
ERROR_CHAR : .;

fragment ESCAPE   : '\\' .;
fragment NAME_PART : [a-zA-Z_] [a-zA-Z_0-9]* | '`' ~[`\r\n]+ '`';
fragment DIGIT    : [0-9];
fragment DIGIT2   : DIGIT DIGIT;
fragment DIGIT4   : DIGIT DIGIT DIGIT DIGIT;
fragment DIGITS   : DIGIT ('_'? DIGIT)*;
fragment EXPONENT : [eE] [+-]? DIGIT+;

fragment A : [aA]; fragment B : [bB]; fragment C : [cC]; fragment D : [dD]; fragment E : [eE];
fragment F : [fF]; fragment G : [gG]; fragment H : [hH]; fragment I : [iI]; fragment J : [jJ];
fragment K : [kK]; fragment L : [lL]; fragment M : [mM]; fragment N : [nN]; fragment O : [oO];
fragment P : [pP]; fragment Q : [qQ]; fragment R : [rR]; fragment S : [sS]; fragment T : [tT];
fragment U : [uU]; fragment V : [vV]; fragment W : [wW]; fragment X : [xX]; fragment Y : [yY];
fragment Z : [zZ];
