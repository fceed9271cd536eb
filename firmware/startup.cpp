// Minimal Cortex-M start-up: copy .data, clear .bss, run constructors, call main.
#include <cstdint>

extern "C" {
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
int main();
void Reset_Handler();
void Default_Handler() {
  for (;;) {
  }
}
}

void Reset_Handler() {
  uint32_t* src = &_sidata;
  for (uint32_t* dst = &_sdata; dst < &_edata;) *dst++ = *src++;
  for (uint32_t* dst = &_sbss; dst < &_ebss;) *dst++ = 0;
  for (auto* f = __init_array_start; f < __init_array_end; ++f) (*f)();
  main();
  for (;;) {
  }
}

// Stack pointer, reset, then the fault handlers of the core exceptions.
__attribute__((section(".isr_vector"), used)) void (*const kVectors[16])() = {
    reinterpret_cast<void (*)()>(&_estack), Reset_Handler, Default_Handler, Default_Handler,
    Default_Handler, Default_Handler, Default_Handler, nullptr, nullptr, nullptr, nullptr,
    Default_Handler, Default_Handler, nullptr, Default_Handler, Default_Handler};
