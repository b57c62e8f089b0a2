class App
  def debug
    binding.pry
  end
end
