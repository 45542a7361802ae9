package dev.a64patch.core.demangle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Expectations that need no external tool: c++filt's output (binutils 2.40) recorded for one name
 * per construct, and names that must not demangle.
 */
class DemanglerTest {

  /** Pairs of (mangled, what c++filt prints). */
  private static final String[] EXPECTED = {
    "_ZN4absl12lts_2022062313base_internal18UnscaledCycleClock3NowEv",
        "absl::lts_20220623::base_internal::UnscaledCycleClock::Now()",
    "_ZNSt6vectorIiSaIiEE9push_backERKi",
        "std::vector<int, std::allocator<int> >::push_back(int const&)",
    "_Z3fooPKc", "foo(char const*)",
    "_ZN12_GLOBAL__N_11fEv", "(anonymous namespace)::f()",
    "_Z1fmlxy", "f(unsigned long, long, long long, unsigned long long)",
    "_Z1fSs", "f(std::basic_string<char, std::char_traits<char>, std::allocator<char> >)",
    "_ZNSsC1EPKcRKSaIcE",
        "std::basic_string<char, std::char_traits<char>, std::allocator<char> >::basic_string(char const*, std::allocator<char> const&)",
    "_ZNSt6vectorIiSaIiEED2Ev", "std::vector<int, std::allocator<int> >::~vector()",
    "_ZN1AcvPKcEv", "A::operator char const*()",
    "_ZN1AplERKS_", "A::operator+(A const&)",
    "_ZNKR1A3getEv", "A::get() const &",
    "_ZTV1A", "vtable for A",
    "_ZTIN3foo3barE", "typeinfo for foo::bar",
    "_ZTSPKc", "typeinfo name for char const*",
    "_ZThn8_N1B1fEv", "non-virtual thunk to B::f()",
    "_ZTv0_n24_N1B1fEv", "virtual thunk to B::f()",
    "_ZTch0_h16_N1B1fEv", "covariant return thunk to B::f()",
    "_ZGVZ1fvE1x", "guard variable for f()::x",
    "_ZTH1x", "TLS init function for x",
    "_ZTW1x", "TLS wrapper function for x",
    "_ZZ1fvE1x_0", "f()::x",
    "_ZZ1fvEs", "f()::string literal",
    "_ZN3fooB5cxx113barEv", "foo[abi:cxx11]::bar()",
    "_ZZ4mainENKUlvE_clEv", "main::{lambda()#1}::operator()() const",
    "_ZZ1fvENKUlTyT_E_clIiEEDaS_",
        "auto f()::{lambda<typename $T0>($T0)#1}::operator()<int>(int) const",
    "_ZN3FooUt_C1Ev", "Foo::{unnamed type#1}::Foo()",
    "_Z1fIJicEEvDpRKT_", "void f<int, char>(int const&, char const&)",
    "_Z1fIiEDTplfp_fp0_ET_S0_",
        "decltype ({parm#1}+{parm#2}) f<int>(int, decltype ({parm#1}+{parm#2}))",
    "_Z1fILi1ELb1EEvv", "void f<1, true>()",
    "_Z3fooPFPFivEiE", "foo(int (*(*)(int))())",
    "_Z3fooRA10_i", "foo(int (&) [10])",
    "_Z3fooM1AKFivE", "foo(int (A::*)() const)",
    "_Z3foov.cold", "foo() [clone .cold]",
    "_Z3foov.constprop.0.isra.0", "foo() [clone .constprop.0] [clone .isra.0]",
    "_GLOBAL__I__Z3foov", "global constructors keyed to foo()",
    "_ZW3foo1fv", "f@foo()",
    "_ZDC1a1bE", "[a, b]",
  };

  @Test
  void recordedCxxFiltOutputs() {
    for (int i = 0; i < EXPECTED.length; i += 2) {
      assertEquals(Optional.of(EXPECTED[i + 1]), Demangler.demangle(EXPECTED[i]), EXPECTED[i]);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "main",
        "memcpy",
        "_Z",
        "_ZN",
        "_ZNE",
        "_Z1",
        "_Z3fo",
        "_Z3foovE",
        "_Z3foov.Abc",
        "_ZERO",
        "Z3foov",
        "__Z3foov",
        "._Z3foov",
        "_GLOBAL__sub_I_foo.cc",
        "_GLOBAL__I_",
        "_ZN4core3fmt9Formatter3pad17h0123456789abcdefE",
        "_Z3foo\u0000v"
      })
  void notMangledCxxNamesGiveEmpty(String name) {
    assertEquals(Optional.empty(), Demangler.demangle(name));
  }

  @Test
  void nullGivesEmpty() {
    assertEquals(Optional.empty(), Demangler.demangle(null));
  }

  @Test
  void utf8IdentifiersAreCountedInBytes() {
    assertEquals(Optional.of("f\u00f6\u00f6()"), Demangler.demangle("_Z5f\u00f6\u00f6v"));
    assertEquals(Optional.empty(), Demangler.demangle("_Z3f\u00f6\u00f6v"));
  }

  @Test
  void namesOverCxxFiltsLengthLimitGiveEmpty() {
    String ints = "_Z3foo" + "i".repeat(1018); // 1024 bytes: still demangled
    assertTrue(Demangler.demangle(ints).orElseThrow().startsWith("foo(int, int, "));
    assertEquals(Optional.empty(), Demangler.demangle(ints + "i"));
  }

  @Test
  void everyPrefixOfALongNameReturnsPromptly() {
    String name =
        "_ZNSt10_HashtableINSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEESt4pairIKS5_"
            + "iESaIS8_ENSt8__detail10_Select1stESt8equal_toIS5_ESt4hashIS5_ENSA_18_Mod_range_hashing"
            + "ENSA_20_Default_ranged_hashENSA_20_Prime_rehash_policyENSA_17_Hashtable_traitsILb1ELb0E"
            + "Lb1EEEE9_M_rehashEmRKm";
    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () -> {
          for (int i = 0; i <= name.length(); i++) {
            Demangler.demangle(name.substring(0, i));
          }
        });
    assertTrue(Demangler.demangle(name).isPresent());
  }

  @Test
  void exponentialSubstitutionSharingGivesUpQuickly() {
    // c++filt runs for minutes on the first of these; we stop at an output cap.
    for (String hostile : DemanglerFuzzTest.hostileNames()) {
      assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Demangler.demangle(hostile), hostile);
    }
    assertEquals(Optional.empty(), Demangler.demangle(DemanglerFuzzTest.hostileNames().get(0)));
  }
}
